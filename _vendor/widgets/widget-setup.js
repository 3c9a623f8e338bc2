// genlab's own glue between the book's pages and the ipywidgets HTML manager
// (embed-amd.js, loaded right after this file). Not generated: scripts/vendor_js.sh
// leaves it alone.
(function () {
  // 1. Each module of the manager loads its icon fonts from the folder require.js
  //    says that module lives in. By default that is below the page's own folder,
  //    where they are not: place every module, for require.js, in the folder of the
  //    fonts beside this script (_static/widgets/fonts/).
  var fonts = document.currentScript.src.replace(/[^/]*$/, "") + "fonts/";
  var modules = ["base", "base7", "controls", "controls7", "html-manager",
                 "html-manager/dist/libembed-amd"];
  var paths = {};
  modules.forEach(function (name) {
    paths["@jupyter-widgets/" + name] = fonts + name.replace(/.*\//, "");
  });
  require.config({paths: paths});

  // 2. The manager typesets widget labels with MathJax 2's MathJax.Hub.Queue; the book
  //    loads MathJax 3, which has no Hub, and every label then throws. Give MathJax a
  //    Hub that does the same job with MathJax 3.
  var hub = {
    Queue: function (job) {
      var element = job[2];
      if (window.MathJax.typesetPromise && element) {
        window.MathJax.typesetPromise([element]).catch(function () {});
      }
    },
  };
  var mathjax = window.MathJax = window.MathJax || {};
  mathjax.Hub = hub;
  if (!mathjax.version) {
    // Only MathJax's configuration exists so far: MathJax 3 replaces this object when
    // it starts, so hand the Hub to the object it makes.
    var startup = mathjax.startup = mathjax.startup || {};
    var ready = startup.ready;
    startup.ready = function () {
      if (ready) { ready(); } else { window.MathJax.startup.defaultReady(); }
      window.MathJax.Hub = hub;
    };
  }
})();
