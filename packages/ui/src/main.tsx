import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { consumeKeyFromUrl } from './auth/session.js';
import 'uplot/dist/uPlot.min.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/states.css';
import './styles/login.css';
import './styles/controls.css';
import './styles/tables.css';
import './styles/overview.css';
import './styles/charts.css';
import './styles/pages.css';
import './styles/trace.css';

// A one-click demo link carries ?key=: store it and take it off the URL before anything renders.
consumeKeyFromUrl();

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
