() => {
  // Tables that would need sideways scrolling, and chart axis labels that overlap, as lines of text.
  const problems = [];
  let measured = 0;
  for (const frame of document.querySelectorAll('[data-testid=stDataFrame], [data-testid=stTable]')) {
    for (const el of frame.querySelectorAll('.dvn-scroller, table, [data-testid=stTableStyledTable]')) {
      const box = el.tagName === 'TABLE' ? frame : el;
      measured += 1;
      if (el.scrollWidth > box.clientWidth + 1) {
        const head = (frame.innerText || '').trim().split('\n')[0].slice(0, 40);
        problems.push(`table scrolls sideways: ${el.scrollWidth} > ${box.clientWidth} ("${head}")`);
      }
    }
  }
  for (const box of document.querySelectorAll('[data-testid=stMain] .fit-table:not(.sr-only)')) {
    // A fitted results table (ui/tables.py): never wider than the column it sits in.
    const table = box.querySelector('table');
    measured += 1;
    if (table.getBoundingClientRect().width > box.clientWidth + 1) {
      const head = (table.querySelector('caption') || table.querySelector('th')).textContent.trim().slice(0, 40);
      problems.push(`table wider than its column: ${Math.round(table.getBoundingClientRect().width)} > ${box.clientWidth} ("${head}")`);
    }
  }
  for (const axis of document.querySelectorAll('[data-testid=stVegaLiteChart] svg g.role-axis-label')) {
    const boxes = [...axis.querySelectorAll('text')].filter(t => t.textContent.trim() && getComputedStyle(t).opacity !== '0' && t.getAttribute('opacity') !== '0').map(t => [t.textContent, t.getBoundingClientRect()]);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, ra] = boxes[i], [b, rb] = boxes[j];
        const apart = ra.right <= rb.left + 0.5 || rb.right <= ra.left + 0.5 || ra.bottom <= rb.top + 0.5 || rb.bottom <= ra.top + 0.5;
        if (!apart) problems.push(`axis labels overlap: "${a}" and "${b}"`);
      }
  }
  return {problems, measured};
}
