// The preview's Jira frame (dev/preview/frame.ts): an app page in one of its iframes asks, through
// the preview bridge (dev/preview/bridge-shim.ts), to open an issue; the frame goes to its issue
// view, keeping the theme. Only same-origin messages from the frame's own iframes, only /browse/KEY.
window.addEventListener('message', (event) => {
  if (event.origin !== window.location.origin) return;
  const fromOwnFrame = [...document.querySelectorAll('iframe')].some(
    (frame) => frame.contentWindow === event.source,
  );
  const data = event.data;
  if (!fromOwnFrame || !data || data.type !== 'dual-track-preview:open') return;
  if (typeof data.target !== 'string' || !/^\/browse\/[A-Z][A-Z0-9_]*-[0-9]+$/.test(data.target)) {
    return;
  }
  const dark = new URLSearchParams(window.location.search).get('theme') === 'dark';
  window.location.assign(data.target + (dark ? '?theme=dark' : ''));
});
