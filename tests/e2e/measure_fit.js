() => {
  const problems = [];
  const vw = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > vw + 1) problems.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${vw}`);
  for (const el of document.querySelectorAll('[data-testid=stMetricValue], [data-testid=stMetricValue] *')) {
    if (el.scrollWidth > el.clientWidth + 1 || el.textContent.trim().endsWith('\u2026'))
      problems.push(`tile cut short: ${el.textContent.trim()}`);
  }
  const main = document.querySelector('[data-testid=stMain]');
  // Results tables: none wider than the column it sits in (no sideways scrolling, nothing cut off).
  for (const box of main.querySelectorAll('.fit-table:not(.sr-only)')) {
    const table = box.querySelector('table');
    const caption = (table.querySelector('caption') || table.querySelector('th')).textContent.trim().slice(0, 50);
    if (table.getBoundingClientRect().width > box.clientWidth + 1)
      problems.push(`table wider than its column: "${caption}" ${Math.round(table.getBoundingClientRect().width)} > ${box.clientWidth}`);
  }
  for (const grid of main.querySelectorAll('[data-testid=stDataFrame]')) {
    const scroller = grid.querySelector('.dvn-scroller');
    if (scroller && scroller.scrollWidth > scroller.clientWidth + 1)
      problems.push(`grid scrolls sideways: ${scroller.scrollWidth} > ${scroller.clientWidth}`);
  }
  for (const el of main.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (el.closest('svg') && el.tagName.toLowerCase() !== 'text') continue;  // chart text is what reads
    if (el.closest('.sr-only')) continue;  // a chart's figures for screen readers, out of sight on purpose
    if (el.tagName === 'INPUT' && ['checkbox', 'radio'].includes(el.type)) continue;  // drawn by a styled box
    let p = el.parentElement;
    let clip = null;
    while (p && p !== main) {
      const overflow = getComputedStyle(p).overflowX;
      if (overflow !== 'visible') { clip = [p, overflow]; break; }
      p = p.parentElement;
    }
    const name = `${el.getAttribute('data-testid') || el.tagName.toLowerCase()} "${(el.textContent || '').trim().slice(0, 40)}"`;
    if (clip && (clip[1] === 'auto' || clip[1] === 'scroll')) continue;
    if (clip) {
      const b = clip[0].getBoundingClientRect();
      if (r.right > b.right + 3 || r.left < b.left - 3) problems.push(`clipped: ${name} ${Math.round(r.left)}-${Math.round(r.right)} in ${Math.round(b.left)}-${Math.round(b.right)}`);
    } else if (r.right > vw + 1 || r.left < -1) {
      problems.push(`wider than the window: ${name} ${Math.round(r.left)}-${Math.round(r.right)}`);
    }
  }
  for (const el of main.querySelectorAll('p, span, h1, h2, h3, h4, label')) {
    const cs = getComputedStyle(el);
    if (cs.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1) problems.push(`text cut short: ${el.textContent.trim().slice(0, 60)}`);
  }
  return [...new Set(problems)];
}
