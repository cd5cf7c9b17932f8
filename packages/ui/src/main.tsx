import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { consumeKeyFromUrl } from './auth/session.js';
import 'uplot/dist/uPlot.min.css';
import './styles.css';

// A one-click demo link carries ?key=: store it and take it off the URL before anything renders.
consumeKeyFromUrl();

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
