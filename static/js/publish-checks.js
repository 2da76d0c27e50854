// The checks before publishing, live beside the story form (issue 16): as the editor types, the
// form's summary and body (the editor's HTML, unsaved) are posted to the story admin's
// publish-checks address, a moment after the typing stops, and what the checks find is listed in
// the panel beside the editor. Its one-line summary is a status region, so screen readers hear
// "2 warnings." without being moved; the list itself is reached with Tab. The "Publish anyway,
// because…" field is shown only while there are warnings.
;(function () {
  "use strict"
  const WAIT_MS = 700
  const panel = document.getElementById("publish-checks")
  if (!panel) return
  const form = panel.closest("form")
  // Beside the editor, where the writing is: the body's row and the panel share a box of their
  // own (.story-writing, admin-story.css), two columns on a wide screen, the panel under the body
  // on a narrow one. Either way the panel comes right after the body, so Tab and a screen reader
  // reach it next. Without this script it stays at the foot of the form, listing what the last
  // save found.
  const bodyRow = form.querySelector(".form-row.field-body")
  if (bodyRow) {
    const writing = document.createElement("div")
    writing.className = "story-writing"
    bodyRow.before(writing)
    writing.append(bodyRow, panel)
  }
  const list = panel.querySelector(".publish-checks__list")
  const summary = panel.querySelector(".publish-checks__summary")
  const reason = panel.querySelector(".publish-checks__reason")
  let timer = null
  let sent = 0
  let shown = 0

  function editor() {
    const editable = document.querySelector(".ProseMirror")
    return editable && editable.editor ? editable.editor : null
  }

  function value(name) {
    const field = form.elements.namedItem(name)
    return field && "value" in field ? field.value : ""
  }

  function plural(count, word) {
    return `${count} ${word}${count === 1 ? "" : "s"}`
  }

  function show(result) {
    list.replaceChildren(
      ...result.findings.map((finding) => {
        const item = document.createElement("li")
        item.className = `publish-checks__finding publish-checks__finding--${finding.level}`
        const level = document.createElement("strong")
        level.textContent = finding.level === "blocker" ? "Must fix:" : "Warning:"
        item.append(level, ` ${finding.message}`)
        return item
      }),
    )
    list.hidden = result.findings.length === 0
    const parts = []
    if (result.blockers) parts.push(`${result.blockers} to fix before publishing`)
    if (result.warnings) parts.push(plural(result.warnings, "warning"))
    let words = parts.length ? `${parts.join(", ")}.` : "No problems found."
    if (result.reading_grade !== null) {
      words += ` Reading grade ${result.reading_grade} (this site aims for ${result.reading_grade_target} or below).`
    }
    if (summary.textContent !== words) summary.textContent = words
    if (reason) reason.hidden = result.warnings === 0
  }

  async function check() {
    const number = ++sent
    const data = new FormData()
    data.append("csrfmiddlewaretoken", value("csrfmiddlewaretoken"))
    data.append("summary", value("summary"))
    data.append("body", editor() ? editor().getHTML() : value("body"))
    let response
    try {
      response = await fetch(panel.dataset.checksUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
    } catch {
      return // offline for a moment: the next keystroke tries again
    }
    if (!response.ok || number < shown) return // an older answer arriving late
    shown = number
    show(await response.json())
  }

  function later() {
    clearTimeout(timer)
    timer = setTimeout(check, WAIT_MS)
  }

  form.addEventListener("input", (event) => {
    if (event.target !== form.elements.namedItem("_publish_reason")) later()
  })
  // A change made from the toolbar (a subheading's level) is no input event: the editor's own.
  let tries = 40
  ;(function listen() {
    const found = editor()
    if (found) {
      found.on("update", later)
      check()
    } else if (tries-- > 0) {
      setTimeout(listen, 250)
    }
  })()
})()
