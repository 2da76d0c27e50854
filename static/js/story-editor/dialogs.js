// What the story editor's dialogs share: real modal <dialog>s (the page behind is inert, so focus
// stays inside; Escape closes; focus goes back to where it was), labelled fields whose errors are
// written beside them, requests to Newsroom's admin, and a polite voice for screen readers.

let counter = 0

export const uniqueId = (name) => `story-editor-${name}-${++counter}`

// An element with attributes (set as attributes, never as inline styles: the CSP refuses those)
// and children (strings become text, never HTML).
export function element(tag, attributes = {}, children = []) {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue
    node.setAttribute(name, value === true ? "" : value)
  }
  node.append(...children.filter((child) => child !== null && child !== undefined))
  return node
}

export function button(text, attributes = {}) {
  return element("button", { type: "button", class: "story-editor-button", ...attributes }, [text])
}

// A modal dialog with a heading, opened at once. `close()` closes it; `closed` resolves when it
// has closed, however that happened (a button, Escape).
export function openDialog({ title, className = "" }) {
  const headingId = uniqueId("dialog-title")
  const heading = element("h2", { id: headingId, class: "story-editor-dialog__title" }, [title])
  const body = element("div", { class: "story-editor-dialog__body" })
  const dialog = element("dialog", { class: `story-editor-dialog ${className}`, "aria-labelledby": headingId }, [
    heading,
    body,
  ])
  const opener = document.activeElement
  let resolveClosed
  const closed = new Promise((resolve) => {
    resolveClosed = resolve
  })
  dialog.addEventListener("close", () => {
    dialog.remove()
    // Back to the text: the editor's own focus puts the caret where it was at once (the
    // element's would leave it to ProseMirror a moment later, and a key pressed before is lost).
    const editorView = opener?.editor?.view
    if (editorView) {
      // Chromium puts the caret back in the text as the modal closes, while the text still
      // counts as inert, and then takes no typing there: the caret is set anew once the page's
      // style has caught up.
      void document.body.offsetHeight
      const caret = document.getSelection()
      if (caret.rangeCount) {
        const range = caret.getRangeAt(0)
        caret.removeAllRanges()
        caret.addRange(range)
      }
      editorView.focus()
    }
    else if (opener?.isConnected) opener.focus()
    resolveClosed()
  })
  // Outside the story form: a dialog's fields must never be posted with the story.
  document.body.append(dialog)
  dialog.showModal()
  return { dialog, body, heading, closed, close: () => dialog.close() }
}

// A labelled field: `kind` is an input type, or "textarea"; help and errors are described by id.
export function field({ name, label, help = "", kind = "text", value = "", required = false, attributes = {} }) {
  const id = uniqueId(name)
  const helpId = `${id}-help`
  const errorId = `${id}-error`
  const control =
    kind === "textarea"
      ? element("textarea", { id, name, rows: 3, ...attributes })
      : element("input", { id, name, type: kind, ...attributes })
  control.value = value ?? ""
  if (required) control.setAttribute("aria-required", "true")
  control.setAttribute("aria-describedby", help ? `${helpId} ${errorId}` : errorId)
  const error = element("p", { id: errorId, class: "story-editor-error" })
  const labelElement = element("label", { for: id }, [label, required ? " (required)" : ""])
  const helpElement = help ? element("p", { id: helpId, class: "story-editor-help" }, [help]) : null
  // A checkbox comes before its label; other controls after theirs.
  const parts = kind === "checkbox" ? [control, labelElement, helpElement, error] : [labelElement, helpElement, control, error]
  const wrapper = element("div", { class: `story-editor-field story-editor-field--${kind}` }, parts)
  return {
    wrapper,
    control,
    showError(message) {
      error.textContent = message
      control.setAttribute("aria-invalid", "true")
    },
    clearError() {
      error.textContent = ""
      control.removeAttribute("aria-invalid")
    },
  }
}

// A form for a dialog: its own submit (never the story form's), checked by `check`, which shows
// its errors and returns false to stay open.
export function dialogForm({ fields, submitText, check, onSubmit, extraButtons = [] }) {
  const form = element("form", { method: "dialog", novalidate: true, class: "story-editor-form" })
  const cancel = button("Cancel", { value: "cancel" })
  form.append(
    ...fields.map((f) => f.wrapper),
    element("div", { class: "story-editor-dialog__buttons" }, [
      element("button", { type: "submit", class: "story-editor-button story-editor-button--default" }, [submitText]),
      ...extraButtons,
      cancel,
    ]),
  )
  cancel.addEventListener("click", () => form.closest("dialog").close())
  form.addEventListener("submit", (event) => {
    event.preventDefault()
    for (const f of fields) f.clearError()
    const firstInvalid = check()
    if (firstInvalid) {
      firstInvalid.control.focus()
      return
    }
    onSubmit()
  })
  return form
}

// Checks that required fields are filled; returns the first that is not, its error shown.
export function requireFilled(fields) {
  let first = null
  for (const f of fields) {
    if (f.control.getAttribute("aria-required") === "true" && !f.control.value.trim()) {
      f.showError("This field is required.")
      first ??= f
    }
  }
  return first
}

// A search that runs once typing pauses, and at once when its form is sent (then the keyboard
// goes to the results).
export function searchAsYouType(form, input, search) {
  let typing = null
  input.addEventListener("input", () => {
    window.clearTimeout(typing)
    typing = window.setTimeout(() => search({ focusResults: false }), 350)
  })
  form.addEventListener("submit", (event) => {
    event.preventDefault()
    window.clearTimeout(typing)
    search({ focusResults: true })
  })
}

const csrfToken = () => document.querySelector("input[name=csrfmiddlewaretoken]")?.value ?? ""

// JSON from one of the admin's views. A session that ended answers 401 with the reason
// (newsroom/accounts/sessions.py); anything else not JSON is said too, rather than failing silently.
async function readJSON(response) {
  if (response.status === 401) {
    const said = await response.json().catch(() => ({}))
    // A request that crossed the one ending the session cannot say why (its session was already
    // gone, and its answer took the browser's cookie with it); the page's own notice
    // (working-together.js) already says why, so the dialog says the same.
    const shown = said.why ? null : document.querySelector(".working-together-signed-out strong")?.textContent
    const why = shown || said.error || "You are signed out."
    throw new Error(`${why} Sign in again to go on: what you typed on this page is kept.`)
  }
  const type = response.headers.get("Content-Type") || ""
  if (!type.includes("application/json")) {
    throw new Error(
      response.status === 403
        ? "You do not have permission to do that."
        : "Newsroom did not answer as expected: your session may have ended. Save your work in another tab after signing in again.",
    )
  }
  return { status: response.status, data: await response.json() }
}

export async function getJSON(url, params = {}) {
  const query = new URLSearchParams()
  for (const [name, value] of Object.entries(params)) {
    for (const one of [].concat(value)) {
      if (one !== "" && one !== null && one !== undefined) query.append(name, one)
    }
  }
  const response = await fetch(`${url}?${query}`, { headers: { Accept: "application/json" } })
  return readJSON(response)
}

export async function postForm(url, formData) {
  const response = await fetch(url, {
    method: "POST",
    body: formData,
    headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
  })
  return readJSON(response)
}

// One polite live region for the whole page: screen readers say what happened (a block moved, a
// search found photos) once the current speech is done.
let voice = null
export function announce(message) {
  if (!voice) {
    voice = element("p", { class: "story-editor-visually-hidden", role: "status", "aria-live": "polite" })
    document.body.append(voice)
  }
  // A change of text is what gets read; clearing first makes a repeated message heard again.
  voice.textContent = ""
  window.setTimeout(() => {
    voice.textContent = message
  }, 50)
}
