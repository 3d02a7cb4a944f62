// Importing the module makes the build bundle @jupyterlab/console and offer it to every page's
// shared scope. JupyterLab offers a newer one and keeps its own (a singleton takes the highest
// version); jupyterlab-rise's slideshow page offers none, so the widget manager gets this one.
const { IConsoleTracker } = require('@jupyterlab/console');

module.exports = {
  id: 'convlab-rise-widgets:plugin',
  description: 'Shares @jupyterlab/console with pages that lack it (jupyterlab-rise).',
  autoStart: true,
  optional: [IConsoleTracker],
  activate: () => {}
};
