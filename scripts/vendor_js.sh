#!/usr/bin/env bash
# Refresh the JavaScript that the rendered book serves itself (_vendor/), so that
# ipywidgets and formulas render in the static pages with no CDN reachable.
#   require.js                    from the npm package requirejs (MIT; licence in its header)
#   embed-amd.js                  from @jupyter-widgets/html-manager (BSD-3-Clause):
#                                 renders saved widget state in a plain web page
#   fonts/*.woff2, fonts/*.woff   its icon fonts (Font Awesome, SIL OFL 1.1), which it
#                                 loads from beside itself: widget-setup.js (ours, not
#                                 generated) tells require.js where that is
#   mathjax/tex-svg-full.js       from mathjax 3 (Apache-2.0): typesets the formulas; the
#                                 "full" SVG build loads no extensions or fonts later
# Usage: bash scripts/vendor_js.sh   (needs npm and the npm registry)
set -euo pipefail
REQUIREJS_VERSION=2.3.8
HTML_MANAGER_VERSION=1.0.15   # the 1.x line renders ipywidgets 8 state
MATHJAX_VERSION=3.2.2
vendor="$(cd "$(dirname "$0")/.." && pwd)/_vendor"
out="$vendor/widgets"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent "requirejs@$REQUIREJS_VERSION" "@jupyter-widgets/html-manager@$HTML_MANAGER_VERSION" \
  "mathjax@$MATHJAX_VERSION" >/dev/null
mkdir -p requirejs html-manager mathjax "$out" "$vendor/mathjax"
tar xzf "mathjax-$MATHJAX_VERSION.tgz" -C mathjax
cp mathjax/package/es5/tex-svg-full.js "$vendor/mathjax/"
cp mathjax/package/LICENSE "$vendor/mathjax/LICENSE"
tar xzf "requirejs-$REQUIREJS_VERSION.tgz" -C requirejs
tar xzf "jupyter-widgets-html-manager-$HTML_MANAGER_VERSION.tgz" -C html-manager
cp requirejs/package/require.js "$out/require.js"
cp html-manager/package/dist/embed-amd.js "$out/embed-amd.js"
cp html-manager/package/dist/embed.js.LICENSE.txt "$out/LICENSE.html-manager-bundle.txt"
rm -rf "$out/fonts"; mkdir -p "$out/fonts"
cp html-manager/package/dist/*.woff2 html-manager/package/dist/*.woff "$out/fonts/"
cat > "$out/VERSIONS" <<EOV
requirejs $REQUIREJS_VERSION
@jupyter-widgets/html-manager $HTML_MANAGER_VERSION
mathjax $MATHJAX_VERSION (in ../mathjax)
EOV
echo "vendored into $vendor:"; ls -la "$out" "$vendor/mathjax"
