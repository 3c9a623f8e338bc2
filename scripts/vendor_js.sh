#!/usr/bin/env bash
# Refresh the JavaScript that the rendered book serves itself (_vendor/), so that
# formulas render in the static pages with no CDN reachable.
#   mathjax/tex-chtml.js             from mathjax 3 (Apache-2.0): typesets the formulas as
#                                    HTML and CSS (1.2 MB; the SVG build is 2.3 MB); it
#                                    carries the AMS macros the chapters use
#   mathjax/input/tex/extensions/    the TeX extensions it loads on first use of one of
#                                    their macros (\boldsymbol, \cancel, ...), so none is
#                                    fetched from afar
#   mathjax/output/chtml/fonts/      its web fonts; a page loads only the few it uses
# Not generated: _vendor/scripts/fontawesome.js (genlab's: the theme's icons are drawn
# by its own CSS and fonts, not by a 1.5 MB script) and _vendor/genlab.css.
# The book renders no ipywidgets (see _ext/no_widget_views.py), so it serves no widget
# manager.
# Usage: bash scripts/vendor_js.sh   (needs npm and the npm registry)
set -euo pipefail
MATHJAX_VERSION=3.2.2
vendor="$(cd "$(dirname "$0")/.." && pwd)/_vendor"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent "mathjax@$MATHJAX_VERSION" >/dev/null
mkdir -p mathjax
tar xzf "mathjax-$MATHJAX_VERSION.tgz" -C mathjax
rm -rf "$vendor/mathjax"; mkdir -p "$vendor/mathjax/output/chtml/fonts"
cp mathjax/package/es5/tex-chtml.js "$vendor/mathjax/"
mkdir -p "$vendor/mathjax/input/tex"
cp -R mathjax/package/es5/input/tex/extensions "$vendor/mathjax/input/tex/"
cp -R mathjax/package/es5/output/chtml/fonts/woff-v2 "$vendor/mathjax/output/chtml/fonts/"
cp mathjax/package/LICENSE "$vendor/mathjax/LICENSE"
echo "mathjax $MATHJAX_VERSION" > "$vendor/mathjax/VERSION"
echo "vendored into $vendor:"; du -sh "$vendor/mathjax"
