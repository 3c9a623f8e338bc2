/* genlab: this file takes the place of the theme's scripts/fontawesome.js (1.5 MB),
   which redraws every icon as an inline SVG. The theme's own stylesheet already draws
   the same icons from Font Awesome's web fonts (pydata-sphinx-theme.css and
   vendor/fontawesome/webfonts/), so nothing is lost and every page is lighter.
   Sphinx copies html_static_path (_vendor/) over the theme's files of the same name. */
