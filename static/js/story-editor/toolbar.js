// The editor's toolbar for keyboards and screen readers (Section 508 §504, ATAG 2.0): each button
// has a name in the newsroom's words, a tooltip with its keyboard shortcut (on hover and on
// focus), pressed and unavailable states; the toolbar is one Tab stop (arrow keys move between
// its buttons, Escape goes back to the text), and Alt+F10 reaches it from the text.

import { Extension } from "django-prose-editor/editor"

const BIND = true // the shortcut runs the button; the others are the extensions' own

// Each toolbar button, by the name its extension gives it: [name, shortcut, bound here].
export const BUTTONS = {
  paragraph: ["Paragraph", "Mod-Alt-0"],
  heading2: ["Subheading", "Mod-Alt-2"],
  heading3: ["Subheading, level 3", "Mod-Alt-3"],
  heading4: ["Subheading, level 4", "Mod-Alt-4"],
  bulletList: ["Bulleted list", "Mod-Shift-8"],
  orderedList: ["Numbered list", "Mod-Shift-7"],
  blockquote: ["Quote", "Mod-Shift-b"],
  pullQuote: ["Pull quote", "Mod-Alt-q", BIND],
  bold: ["Bold", "Mod-b"],
  italic: ["Italic", "Mod-i"],
  subscript: ["Subscript", "Mod-,"],
  superscript: ["Superscript", "Mod-."],
  abbreviation: ["Abbreviation", "Mod-Alt-a", BIND],
  link: ["Link to a web address", "Mod-k"],
  unlink: ["Remove link", "Mod-Alt-k", BIND],
  storyLink: ["Link to another story", "Mod-Shift-k", BIND],
  photo: ["Photo from the library", "Mod-Alt-p", BIND],
  video: ["Video from DVIDS or YouTube", "Mod-Alt-v", BIND],
  table: ["Table", "Mod-Alt-t", BIND],
  "table:addRowAfter": ["Add a row below", "Mod-Alt-Shift-r", BIND],
  "table:deleteRow": ["Delete this row", "Mod-Alt-Shift-d", BIND],
  "table:addColumnAfter": ["Add a column to the right", "Mod-Alt-Shift-c", BIND],
  "table:deleteColumn": ["Delete this column", "Mod-Alt-Shift-x", BIND],
  "table:toggleHeaderCell": ["Heading cell on or off", "Mod-Alt-Shift-h", BIND],
  "table:mergeCells": ["Merge cells", "Mod-Alt-Shift-m", BIND],
  "table:splitCell": ["Split cell", "Mod-Alt-Shift-s", BIND],
  "table:deleteTable": ["Delete the table", "Mod-Alt-Shift-Backspace", BIND],
  "history:undo": ["Undo", "Mod-z"],
  "history:redo": ["Redo", "Mod-Shift-z"],
}

// Buttons that switch something on and off, whose state screen readers should hear.
const TOGGLES = new Set([
  "paragraph",
  "heading2",
  "heading3",
  "heading4",
  "bulletList",
  "orderedList",
  "blockquote",
  "pullQuote",
  "bold",
  "italic",
  "subscript",
  "superscript",
  "abbreviation",
])

const onMac = /Mac|iPhone|iPad/.test(navigator.platform)

// "Mod-Alt-Shift-r" as people read it ("Ctrl+Alt+Shift+R", "⌥⇧⌘R") and as aria-keyshortcuts
// writes it ("Control+Alt+Shift+R").
export function shortcutWords(keys, mac = onMac) {
  const parts = keys.split("-")
  const key = parts.pop()
  const shown = key.length === 1 ? key.toUpperCase() : key
  const words = { Mod: mac ? "⌘" : "Ctrl", Alt: mac ? "⌥" : "Alt", Shift: mac ? "⇧" : "Shift" }
  const order = mac ? ["Alt", "Shift", "Mod"] : ["Mod", "Alt", "Shift"]
  const held = order.filter((modifier) => parts.includes(modifier)).map((modifier) => words[modifier])
  const aria = { Mod: mac ? "Meta" : "Control", Alt: "Alt", Shift: "Shift" }
  return {
    shown: mac ? [...held, shown].join("") : [...held, shown].join("+"),
    aria: [...["Mod", "Alt", "Shift"].filter((m) => parts.includes(m)).map((m) => aria[m]), shown].join("+"),
  }
}

export const StoryToolbar = Extension.create({
  name: "storyToolbar",

  addStorage() {
    return { toolbar: null, current: null }
  },

  addKeyboardShortcuts() {
    const press = (name) => {
      const control = this.storage.toolbar?.querySelector(`[data-name="${CSS.escape(name)}"]`)
      if (!control || control.classList.contains("hidden") || control.classList.contains("disabled")) return false
      control.click()
      return true
    }
    const bound = {
      "Alt-F10": () => {
        this.storage.current?.focus()
        return Boolean(this.storage.current)
      },
    }
    for (const [name, [, keys, bind]] of Object.entries(BUTTONS)) {
      if (bind) bound[keys] = () => press(name)
    }
    return bound
  },

  onCreate() {
    const { editor, storage } = this
    const toolbar = editor.storage.menu?.dom ?? editor.view.dom.parentElement.querySelector(".prose-menubar")
    if (!toolbar) return
    storage.toolbar = toolbar
    toolbar.setAttribute("role", "toolbar")
    toolbar.setAttribute("aria-label", "Body: styles and insertions")
    if (editor.view.dom.id) toolbar.setAttribute("aria-controls", editor.view.dom.id)
    const controls = [...toolbar.querySelectorAll("button[data-name]")]
    for (const control of controls) {
      const [name, keys] = BUTTONS[control.dataset.name] ?? [control.getAttribute("aria-label") || control.title]
      const shortcut = keys ? shortcutWords(keys) : null
      control.removeAttribute("title") // the tooltip below says it, with the shortcut
      control.setAttribute("aria-label", name)
      control.dataset.tooltip = shortcut ? `${name} (${shortcut.shown})` : name
      if (shortcut) control.setAttribute("aria-keyshortcuts", shortcut.aria)
      control.tabIndex = -1
    }
    const shown = () => controls.filter((control) => !control.classList.contains("hidden"))
    const makeCurrent = (control) => {
      if (storage.current) storage.current.tabIndex = -1
      storage.current = control
      control.tabIndex = 0
    }
    makeCurrent(shown()[0])

    toolbar.addEventListener("focusin", (event) => {
      const control = event.target.closest("button[data-name]")
      if (control) makeCurrent(control)
      toolbar.classList.remove("tooltips-dismissed")
    })
    toolbar.addEventListener("mouseover", () => toolbar.classList.remove("tooltips-dismissed"))
    toolbar.addEventListener("keydown", (event) => {
      const row = shown()
      const at = row.indexOf(document.activeElement)
      if (at < 0) return
      const next = {
        ArrowRight: row[(at + 1) % row.length],
        ArrowLeft: row[(at - 1 + row.length) % row.length],
        Home: row[0],
        End: row.at(-1),
      }[event.key]
      if (next) {
        event.preventDefault()
        next.focus()
      } else if (event.key === "Escape") {
        event.preventDefault()
        editor.view.focus() // at once, where the cursor was
      }
    })
    // Escape hides a tooltip the pointer opened (WCAG 1.4.13), until the pointer moves again.
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") toolbar.classList.add("tooltips-dismissed")
    })

    // The states the library shows with classes, said as ARIA states too.
    const sync = () => {
      for (const control of controls) {
        control.setAttribute("aria-disabled", String(control.classList.contains("disabled")))
        if (TOGGLES.has(control.dataset.name)) {
          control.setAttribute("aria-pressed", String(control.classList.contains("active")))
        }
      }
      if (storage.current?.classList.contains("hidden")) makeCurrent(shown()[0])
    }
    editor.on("transaction", sync)
    sync()
  },
})
