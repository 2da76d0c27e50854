// Working together on a story (newsroom/editing/): what is typed is kept in the user's private
// working copy every so often and on leaving the page, and offered back when they open the story
// again; who else has the story open is shown, and an Editor can take it over. A save the version
// check refused keeps the refused text on the page, to copy, and in the working copy.
// A session that ended (newsroom/accounts/sessions.py) is said at once, with a link to sign in
// again; what is typed from then on is kept in this tab (sessionStorage) and, once signed in again,
// put in the working copy and offered back. A save sent after the session ended is kept the same way.

const TYPED = ["headline", "slug", "summary", "byline", "body"]
// What was typed while signed out, per story form (by its autosave address), in this tab only.
const KEPT_IN_BROWSER = "newsroom-typed-while-signed-out:"

class SignedOut extends Error {}

const root = document.getElementById("working-together")
if (root) start(root)

function make(tag, attributes = {}, children = []) {
  const made = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value)
  made.append(...children)
  return made
}

// The body's editor, once django-prose-editor has made it and its extensions have set it up (the
// word count among them), or null when the form has no body.
async function bodyEditor(form) {
  if (!form.elements.body) return null
  for (let tries = 0; tries < 200; tries++) {
    const editor = document.querySelector(".ProseMirror")?.editor
    if (editor?.isInitialized) return editor
    await new Promise((done) => window.setTimeout(done, 50))
  }
  return null
}

function start(root) {
  const form = root.closest("form")
  const token = form.elements.csrfmiddlewaretoken.value
  const { dataset } = root
  const presence = root.querySelector(".working-together-presence")
  const restore = root.querySelector(".working-together-restore")
  const kept = root.querySelector(".working-together-kept")
  const session = root.querySelector(".working-together-session")

  const typed = () => Object.fromEntries(TYPED.map((name) => [name, form.elements[name]?.value ?? ""]))
  // Signing in again (in another tab, too) gives a new CSRF cookie; the page's own token is then stale.
  const csrf = () => {
    const cookie = document.cookie.split("; ").find((part) => part.startsWith(`${dataset.csrfCookie}=`))
    return cookie ? decodeURIComponent(cookie.slice(dataset.csrfCookie.length + 1)) : token
  }
  const posted = (fields = {}) => {
    const data = new FormData()
    data.append("csrfmiddlewaretoken", csrf())
    for (const [name, value] of Object.entries(fields)) data.append(name, value)
    return data
  }
  // An answer read as JSON; a session that ended is said on the page (and thrown as SignedOut).
  const answered = async (answer) => {
    if (answer.status === 401) {
      const said = await answer.json().catch(() => ({}))
      sayEnded(said)
      throw new SignedOut(said.error)
    }
    if (!answer.ok) throw new Error(`${answer.url} answered ${answer.status}`)
    if (signedOut) saySignedInAgain()
    return answer.json()
  }
  const json = { Accept: "application/json" }
  const post = async (address, fields) =>
    answered(await fetch(address, { method: "POST", body: posted(fields), credentials: "same-origin", headers: json }))
  const withVersion = () => ({ ...typed(), started_from_version: form.elements.started_from_version?.value ?? "" })

  // Kept in this tab with the sign-in it was typed under: text kept under an earlier sign-in is
  // brought back after this one (bringBackKept). Only what the server does not have already.
  const keptKey = `${KEPT_IN_BROWSER}${dataset.autosave}`
  const keepInBrowser = () => {
    if (JSON.stringify(typed()) === lastKept) return forgetKeptInBrowser()
    try {
      sessionStorage.setItem(keptKey, JSON.stringify({ signedIn: dataset.signedIn, fields: withVersion() }))
    } catch {
      // Storage full or turned off: the working copy still holds what was kept before.
    }
  }
  const forgetKeptInBrowser = () => {
    try {
      sessionStorage.removeItem(keptKey)
    } catch {
      // Storage turned off: nothing was kept.
    }
  }
  let signedOut = false
  let signedInElsewhere = false // since this page opened: its sign-in is no longer dataset.signedIn

  // Autosave: only text that differs from what was kept last (or from the page as it opened).
  // While a working copy is offered and not yet answered, nothing overwrites it. A form that came
  // back with errors holds what was not saved: it is kept at once, and nothing is offered over it.
  const notSaved = Boolean(dataset.refused || document.querySelector(".errornote"))
  let lastKept = notSaved ? null : JSON.stringify(typed())
  let offerOpen = false
  let submitting = false
  const keepNow = async () => {
    const now = JSON.stringify(typed())
    if (offerOpen || submitting || now === lastKept) return
    try {
      const { savedAt } = await post(dataset.autosave, withVersion())
      lastKept = now
      forgetKeptInBrowser()
      kept.textContent = `Your unsaved changes were kept at ${savedAt}, in a copy only you can see; they are not in the story until you save it.`
    } catch (error) {
      if (error instanceof SignedOut) return // kept in this tab, and said so
      kept.textContent = "Your changes could not be kept just now; they will be tried again. Save the story to be sure."
    }
  }
  form.addEventListener("submit", () => {
    submitting = true
    form.elements.csrfmiddlewaretoken.value = csrf()
    // A save sent after the session ended meets the login page: what it sends is kept here and
    // brought back after signing in. Sent while signed in, it is dropped when the form opens again.
    if (signedOut || !signedInElsewhere) keepInBrowser()
  })
  window.setInterval(keepNow, Number(dataset.autosaveSeconds) * 1000)
  // Switching to another tab or app may be the last chance (a phone can end a hidden page unasked).
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") keepNow()
  })

  // Leaving the page: keep what is unsaved, and stop counting as editing, in requests that outlive it.
  let present = Boolean(dataset.heartbeat)
  window.addEventListener("pagehide", () => {
    if (signedOut) {
      keepInBrowser() // a beacon would only meet the login page
      return
    }
    if (!submitting && !offerOpen && JSON.stringify(typed()) !== lastKept) {
      navigator.sendBeacon(dataset.autosave, posted(withVersion()))
    }
    if (present) navigator.sendBeacon(dataset.leave, posted())
  })

  if (notSaved && !dataset.refused) window.setTimeout(keepNow, 0)
  bodyEditor(form).then(async (editor) => {
    // Where the writer is looking: under the body, beside its word count.
    const underBody = document.querySelector(".story-editor-advice") ?? document.querySelector(".story-editor-count")
    underBody?.after(kept)
    if (dataset.refused) showRefused(editor)
    await bringBackKept()
    offerWorkingCopy(editor)
  })
  if (dataset.heartbeat) heartbeat()

  let endedWords = null
  function sayEnded(said) {
    keepInBrowser()
    if (signedOut) {
      // A request that crossed the one ending the session could not say why; this one can.
      if (said.why && said.error) endedWords.textContent = said.error
      return
    }
    signedOut = true
    const back = `${said.login ?? dataset.login}?next=${encodeURIComponent(window.location.pathname + window.location.search)}`
    const signIn = make("a", { href: back, class: "button" }, ["Sign in again"])
    signIn.addEventListener("click", () => {
      keepInBrowser()
      form.dataset.typingKept = "true" // leaving does not ask: nothing is lost
    })
    session.replaceChildren(
      make("div", { class: "working-together-notice working-together-signed-out" }, [
        make("p", {}, [(endedWords = make("strong", {}, [said.error ?? "You are signed out."]))]),
        make("p", {}, [
          "Your session ended. What you type is kept in this browser, and what was kept before is in your working copy: sign in again and you will be offered it back on this page.",
        ]),
        make("p", {}, [signIn]),
      ]),
    )
    kept.textContent = "Signed out: what you type is kept in this browser until you sign in again."
  }

  function saySignedInAgain() {
    signedOut = false
    signedInElsewhere = true
    delete form.dataset.typingKept
    session.replaceChildren()
    kept.textContent = "Signed in again: your changes will be kept in your working copy."
  }

  // Text kept in this tab under an earlier sign-in goes to the working copy now, and is offered
  // back with it. Text kept under this sign-in was a save that went through (or came back with
  // errors, on the page now): it is dropped.
  async function bringBackKept() {
    let found = null
    try {
      found = JSON.parse(sessionStorage.getItem(keptKey) ?? "null")
      for (const key of Object.keys(sessionStorage)) {
        if (!key.startsWith(KEPT_IN_BROWSER)) continue
        if (key === keptKey || JSON.parse(sessionStorage.getItem(key))?.signedIn === dataset.signedIn) {
          sessionStorage.removeItem(key)
        }
      }
    } catch {
      return
    }
    if (!found || found.signedIn === dataset.signedIn || notSaved) return
    try {
      await post(dataset.autosave, found.fields)
    } catch {
      try {
        sessionStorage.setItem(keptKey, JSON.stringify(found)) // not taken: kept for the next try
      } catch {
        // Storage turned off meanwhile: nothing more can be done here.
      }
    }
  }

  function showRefused(editor) {
    // The version check refused the save: the text stays on the page and in the working copy.
    keepNow()
    const copies = [
      ["Your headline", typed().headline],
      ["Your summary", typed().summary],
      ["Your body, as text", editor ? editor.getText({ blockSeparator: "\n\n" }) : typed().body],
    ].map(([label, text], index) => {
      const id = `working-together-refused-${index}`
      const box = make("textarea", { id, readonly: "", rows: index === 2 ? "8" : "2", class: "vLargeTextField" })
      box.value = text
      const copy = make("button", { type: "button", class: "button" }, [`Copy ${label.replace(/^Your /, "your ")}`])
      copy.addEventListener("click", async () => {
        box.select()
        try {
          await navigator.clipboard.writeText(box.value)
          copy.textContent = "Copied"
        } catch {
          copy.textContent = "Selected: press Ctrl+C to copy"
        }
      })
      return make("div", { class: "working-together-refused-field" }, [make("label", { for: id }, [label]), box, copy])
    })
    const heading = make("h2", { id: "working-together-refused-heading" }, ["What you typed was not saved"])
    restore.before(
      make("section", { class: "working-together-refused", "aria-labelledby": heading.id }, [
        heading,
        make("p", {}, [
          "It is kept here to copy, and in your working copy: ",
          make("a", { href: window.location.pathname }, ["open the latest version of the story"]),
          " and you will be offered it back.",
        ]),
        ...copies,
      ]),
    )
  }

  async function offerWorkingCopy(editor) {
    if (notSaved) return // the page holds newer text than any working copy
    let found
    try {
      found = await answered(await fetch(dataset.workingCopy, { credentials: "same-origin", headers: json }))
    } catch {
      return
    }
    const copy = found.workingCopy
    if (!copy) return
    const page = typed()
    if (TYPED.every((name) => (copy.fields[name] ?? "") === page[name])) return // nothing to give back
    offerOpen = true
    const question = make("p", { class: "working-together-question" }, [`Restore your unsaved changes from ${copy.savedAt}?`])
    const parts = [question]
    if (copy.basedOnVersion && found.storyVersion && copy.basedOnVersion !== found.storyVersion) {
      const compare = `${dataset.compare}?from=${copy.basedOnVersion}&to=${found.storyVersion}`
      parts.push(
        make("p", {}, [
          `They were made to version ${copy.basedOnVersion}; the story has been saved since (it is now version ${found.storyVersion}), and restoring them replaces those later changes. `,
          make("a", { href: compare, target: "_blank", rel: "noopener" }, ["See what changed"]),
          ".",
        ]),
      )
    }
    const yes = make("button", { type: "button", class: "button default" }, ["Restore them"])
    const no = make("button", { type: "button", class: "button" }, ["Discard them"])
    parts.push(make("p", { class: "working-together-buttons" }, [yes, " ", no]))
    restore.replaceChildren(make("div", { class: "working-together-notice" }, parts))
    yes.addEventListener("click", () => {
      for (const name of TYPED) {
        const field = form.elements[name]
        if (!field || name === "body") continue
        field.value = copy.fields[name] ?? ""
        field.dispatchEvent(new Event("input", { bubbles: true }))
      }
      if (editor) editor.commands.setContent(copy.fields.body ?? "")
      else if (form.elements.body) form.elements.body.value = copy.fields.body ?? ""
      offerOpen = false
      lastKept = JSON.stringify(typed())
      restore.replaceChildren(
        make("p", { class: "working-together-notice" }, [
          `Restored your unsaved changes from ${copy.savedAt}. They are not saved to the story until you save it.`,
        ]),
      )
      form.elements.headline?.focus()
    })
    no.addEventListener("click", async () => {
      try {
        await post(dataset.discard)
      } catch {
        return
      }
      offerOpen = false
      restore.replaceChildren(make("p", { class: "working-together-notice" }, ["Discarded your unsaved changes."]))
      form.elements.headline?.focus()
    })
  }

  async function heartbeat() {
    let said
    try {
      said = await post(dataset.heartbeat)
    } catch {
      window.setTimeout(heartbeat, Number(dataset.heartbeatSeconds) * 1000)
      return
    }
    if (said.taken_over) {
      present = false
      lastKept = null
      keepNow()
      presence.setAttribute("role", "alert")
      presence.replaceChildren(
        make("p", { class: "working-together-notice working-together-taken" }, [
          `${said.taken_over.by} took over this story at ${said.taken_over.at}. What you typed is kept in your working copy: you will be offered it when you open the story again.`,
        ]),
      )
      return
    }
    showEditing(said)
    window.setTimeout(heartbeat, Number(dataset.heartbeatSeconds) * 1000)
  }

  let shown = ""
  function showEditing(said) {
    const words = said.editing.map(({ name, since }) => `${name} is editing this story (since ${since}).`)
    const now = JSON.stringify([words, said.mayTakeOver])
    if (now === shown) return // an unchanged notice is not announced again
    shown = now
    if (!words.length) {
      presence.replaceChildren()
      return
    }
    const parts = words.map((text) => make("p", {}, [text]))
    if (said.mayTakeOver) {
      const take = make("button", { type: "button", class: "button" }, ["Take over editing"])
      take.addEventListener("click", async () => {
        let tookOverFrom
        try {
          ;({ tookOverFrom } = await post(dataset.takeOver))
        } catch {
          return // signed out (and said so), or to be tried again
        }
        // Said until someone else opens the story: a heartbeat finding no one changes nothing.
        shown = JSON.stringify([[], true])
        presence.replaceChildren(
          make("p", { class: "working-together-notice" }, [
            `You took over this story from ${tookOverFrom.join(" and ")}; they are being told.`,
          ]),
        )
      })
      parts.push(make("p", {}, [take]))
    } else {
      parts.push(make("p", {}, ["Your save will be refused if theirs comes first: talk to them before you change much."]))
    }
    presence.replaceChildren(make("div", { class: "working-together-notice working-together-editing" }, parts))
  }
}
