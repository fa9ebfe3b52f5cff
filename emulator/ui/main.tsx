/** The dashboard's entry point (bundled by scripts/build-ui.ts into dist/ui/app.js and app.css). */
import { render } from 'preact';
import { App } from './app.js';
import './styles.css';
import './cards.css';
import './panels.css';
import './actions.css';

const root = document.getElementById('app')!;
// The page's "Loading…" placeholder goes: render adds to a container, it does not replace it.
root.textContent = '';
render(<App />, root);
