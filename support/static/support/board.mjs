// The live board refreshes itself with htmx every 30 seconds. A refresh replaces the
// board's buttons, so skip it while the user's focus is inside the board (for example on an
// "Escalate to silver" button): a keyboard user must never lose their place.
document.addEventListener('htmx:beforeRequest', (event) => {
  const element = event.detail && event.detail.elt
  if (element && element.id === 'board-figures' && element.contains(document.activeElement)) {
    event.preventDefault()
  }
})
