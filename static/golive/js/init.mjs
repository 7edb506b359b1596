// Golive's page start-up, loaded as <script type="module">. Module scripts run only in
// browsers that NHS.UK frontend supports, so this file (not an inline <script>, which a
// strict Content Security Policy would block) marks <body> as JavaScript-enabled.
import { initAll } from '../../vendor/nhsuk-frontend/nhsuk-frontend.min.js'

document.body.classList.add('js-enabled', 'nhsuk-frontend-supported')
initAll()

// htmx swapped in new HTML (for example a page of staff results): set up the NHS
// components inside it. htmx also fires this for <body> at start-up, already done above.
document.addEventListener('htmx:load', (event) => {
  const element = event.target
  if (!(element instanceof Element) || element === document.body) {
    return
  }
  initAll({ scope: element })

  // Screen readers do not reliably read a live region that was itself just inserted, so
  // copy the new content's summary (e.g. "12 staff") into the page's persistent one.
  const announcer = document.getElementById('golive-announcer')
  const summary = element.matches('[data-golive-announce]')
    ? element
    : element.querySelector('[data-golive-announce]')
  if (announcer && summary) {
    announcer.textContent = summary.textContent.trim().replace(/\s+/g, ' ')
  }
})

// A swap that removed the element the user activated (a pagination link) would drop focus
// to <body>: move it to the start of the new content instead.
document.addEventListener('htmx:afterSettle', (event) => {
  const trigger = event.detail && event.detail.requestConfig && event.detail.requestConfig.elt
  if (trigger && !trigger.isConnected) {
    const landing = document.querySelector('[data-golive-focus]')
    if (landing) {
      landing.focus()
    }
  }
})

// After htmx pushes a URL (filters applied), the go-live switcher must return the user to
// that URL, not the one the page was first loaded with.
document.addEventListener('htmx:pushedIntoHistory', () => {
  for (const input of document.querySelectorAll('input[data-golive-next]')) {
    input.value = window.location.pathname + window.location.search
  }
})

// Print-friendly pages (board packs): the print button, hidden without JavaScript, opens the
// browser's print dialogue.
for (const button of document.querySelectorAll('button[data-golive-print]')) {
  button.hidden = false
  button.addEventListener('click', () => window.print())
}
