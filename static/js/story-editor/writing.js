// Writing a story's body: the blocks and marks docs/STORY_BODY.md allows that the editor's own
// extensions do not write as that page says (numbered lists, pull quotes, abbreviations, tables
// with a header row), and the story form around the editor: a word count and reading time, Ctrl+S
// to save, a warning before leaving with unsaved changes, paste from Word or Google Docs.

import {
  Extension,
  findParentNode,
  Mark,
  OrderedList,
  Plugin,
  Table,
  wrappingInputRule,
} from "django-prose-editor/editor"

import {
  announce,
  button,
  dialogForm,
  element,
  field,
  openDialog,
  requireFilled,
} from "story-editor/dialogs"

// A numbered list as the body keeps it: <ol>, with start when it is not 1; "1. " starts one.
export const NumberedList = OrderedList.extend({
  addOptions() {
    return { ...this.parent?.(), enableListAttributes: false }
  },

  addAttributes() {
    // The list style (letters, roman numerals) is the site's to choose, not the story's.
    const { type, ...kept } = this.parent?.() ?? {}
    return kept
  },

  // django-prose-editor draws its lists with an inline style, which the CSP refuses.
  addNodeView() {
    return null
  },

  addInputRules() {
    return [
      wrappingInputRule({
        find: /^(\d+)\.\s$/,
        type: this.type,
        getAttributes: (match) => ({ start: Number(match[1]) }),
        joinPredicate: (match, list) => list.childCount + list.attrs.start === Number(match[1]),
      }),
    ]
  },
})

// A pull quote is a block quote with class="pull-quote", the only class the body keeps.
export const PullQuote = Extension.create({
  name: "pullQuote",

  addGlobalAttributes() {
    return [
      {
        types: ["blockquote"],
        attributes: {
          pullQuote: {
            default: false,
            parseHTML: (quote) => quote.classList.contains("pull-quote"),
            renderHTML: ({ pullQuote }) => (pullQuote ? { class: "pull-quote" } : {}),
          },
        },
      },
    ]
  },

  addCommands() {
    return {
      togglePullQuote:
        () =>
        ({ state, chain }) => {
          const quote = findParentNode((node) => node.type.name === "blockquote")(state.selection)
          if (quote?.node.attrs.pullQuote) return chain().focus().lift("blockquote").run()
          if (quote) {
            return chain()
              .focus()
              .command(({ tr }) => {
                tr.setNodeAttribute(quote.pos, "pullQuote", true)
                return true
              })
              .run()
          }
          return chain().focus().wrapIn("blockquote", { pullQuote: true }).run()
        },
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "pullQuote",
      groups: "nodes",
      command: (editor) => editor.commands.togglePullQuote(),
      button: buttons.text("Pull quote"),
      active: (editor) => editor.isActive("blockquote", { pullQuote: true }),
    })
  },
})

function editAbbreviation(editor) {
  const current = editor.getAttributes("abbreviation")
  const needsText = editor.state.selection.empty && !editor.isActive("abbreviation")
  const { body, close } = openDialog({ title: "Abbreviation" })
  const text = needsText
    ? field({ name: "text", label: "Abbreviation", required: true, help: "As readers see it, for example DOD." })
    : null
  const title = field({
    name: "title",
    label: "What it stands for",
    value: current.title ?? "",
    required: true,
    help: "Spelled out, for example Department of Defense. Screen readers can say it in full.",
  })
  const fields = text ? [text, title] : [title]
  const remove = current.title ? button("Remove abbreviation") : null
  remove?.addEventListener("click", () => {
    close()
    editor.chain().focus().extendMarkRange("abbreviation").unsetMark("abbreviation").run()
  })
  body.append(
    dialogForm({
      fields,
      submitText: current.title ? "Update" : "Mark as abbreviation",
      extraButtons: remove ? [remove] : [],
      check: () => requireFilled(fields),
      onSubmit() {
        close()
        const attrs = { title: title.control.value.trim() }
        const chain = editor.chain().focus()
        if (editor.isActive("abbreviation")) chain.extendMarkRange("abbreviation").updateAttributes("abbreviation", attrs).run()
        else if (text) chain.insertContent({ type: "text", text: text.control.value.trim(), marks: [{ type: "abbreviation", attrs }] }).run()
        else chain.setMark("abbreviation", attrs).run()
      },
    }),
  )
  ;(text ?? title).control.focus()
}

// <abbr title="Department of Defense">DOD</abbr>
export const Abbreviation = Mark.create({
  name: "abbreviation",
  inclusive: false,

  addAttributes() {
    return { title: { default: null } }
  },

  parseHTML() {
    return [{ tag: "abbr[title]" }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["abbr", HTMLAttributes, 0]
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "abbreviation",
      groups: "marks",
      command: (editor) => editAbbreviation(editor),
      button: buttons.text("Abbreviation"),
      active: (editor) => editor.isActive("abbreviation"),
    })
  },
})

function insertTable(editor) {
  const { body, close } = openDialog({ title: "Insert a table" })
  const rows = field({ name: "rows", label: "Rows, the header row included", kind: "number", value: "3", required: true, attributes: { min: 2, max: 50 } })
  const columns = field({ name: "columns", label: "Columns", kind: "number", value: "3", required: true, attributes: { min: 1, max: 10 } })
  const header = field({
    name: "header",
    label: "The first row holds the column headings",
    kind: "checkbox",
    help: "Screen readers read each cell with its heading: keep it unless the table really has none.",
  })
  header.control.checked = true
  const within = (one, low, high) => {
    const value = Number(one.control.value)
    if (Number.isInteger(value) && value >= low && value <= high) return null
    one.showError(`A whole number from ${low} to ${high}.`)
    return one
  }
  body.append(
    dialogForm({
      fields: [rows, columns, header],
      submitText: "Insert table",
      check: () => requireFilled([rows, columns]) ?? within(rows, 2, 50) ?? within(columns, 1, 10),
      onSubmit() {
        close()
        editor
          .chain()
          .focus()
          .insertTable({ rows: Number(rows.control.value), cols: Number(columns.control.value), withHeaderRow: header.control.checked })
          .run()
        announce("Table inserted. Tab moves to the next cell.")
      },
    }),
  )
  rows.control.focus()
}

// Tables as django-prose-editor writes them, with the column headings asked for by default.
export const StoryTable = Table.extend({
  addCommands() {
    return {
      ...this.parent?.(),
      insertTableWithOptions:
        () =>
        ({ editor }) => {
          insertTable(editor)
          return true
        },
    }
  },
})

function rename(node, tag) {
  const renamed = node.ownerDocument.createElement(tag)
  renamed.append(...node.childNodes)
  node.replaceWith(renamed)
}

const WORD_LIST_ITEM = /mso-list:\s*l\d+\s+level(\d+)/i
const ORDERED_MARKER = /^\(?(?:\d+|[a-z]|[ivxlcdm]+)[.)]$/i

function previousMeaningful(node) {
  let previous = node.previousSibling
  while (previous && (previous.nodeType === Node.COMMENT_NODE || (previous.nodeType === Node.TEXT_NODE && !previous.textContent.trim()))) {
    previous = previous.previousSibling
  }
  return previous
}

// Word pastes a list as paragraphs with an "mso-list" style and the bullet or number typed out
// in a span it marks to ignore: make them a list again, nested by their level.
function wordLists(root) {
  let open = [] // the lists being filled, outermost first, each with its level
  for (const paragraph of root.querySelectorAll("p")) {
    const found = (paragraph.getAttribute("data-pasted-style") || "").match(WORD_LIST_ITEM)
    if (!found) continue
    const level = Number(found[1])
    const marker = [...paragraph.querySelectorAll("span")].find((span) =>
      /mso-list:\s*ignore/i.test(span.getAttribute("data-pasted-style") || ""),
    )
    const ordered = ORDERED_MARKER.test(marker?.textContent.trim() ?? "")
    marker?.remove()
    if (!open.length || previousMeaningful(paragraph) !== open[0].list) open = []
    while (open.length && open.at(-1).level > level) open.pop()
    if (!open.length || open.at(-1).level < level) {
      const list = root.ownerDocument.createElement(ordered ? "ol" : "ul")
      if (open.length) open.at(-1).list.lastElementChild.append(list)
      else paragraph.before(list)
      open.push({ list, level })
    }
    const item = root.ownerDocument.createElement("li")
    const text = root.ownerDocument.createElement("p")
    text.append(...paragraph.childNodes)
    item.append(text)
    open.at(-1).list.append(item)
    paragraph.remove()
  }
}

// Styles that carry meaning in pasted text (Google Docs writes bold and italic as styles). The
// CSP lets no style attribute apply, even in a detached document, so the editor could not see
// them: they become elements here, before any style attribute is parsed.
// (Whole property names only: Word writes "mso-bidi-font-weight:normal" on text that is bold.)
const MEANINGFUL_STYLES = [
  [/(?:^|;)\s*font-weight:\s*(?:bold|bolder|[6-9]00)\b/i, "strong"],
  [/(?:^|;)\s*font-style:\s*italic\b/i, "em"],
  [/(?:^|;)\s*vertical-align:\s*super\b/i, "sup"],
  [/(?:^|;)\s*vertical-align:\s*sub\b/i, "sub"],
]
const NOT_BOLD = /(?:^|;)\s*font-weight:\s*(?:normal|[1-4]00)\b/i

function unwrap(node) {
  node.replaceWith(...node.childNodes)
}

function styleToElements(root) {
  for (const styled of root.querySelectorAll("[data-pasted-style]")) {
    const style = styled.getAttribute("data-pasted-style")
    // Google Docs wraps a whole paste in a <b> that is not bold.
    if (styled.tagName === "B" && NOT_BOLD.test(style)) {
      unwrap(styled)
      continue
    }
    for (const [pattern, tag] of MEANINGFUL_STYLES) {
      if (!pattern.test(style)) continue
      const mark = root.ownerDocument.createElement(tag)
      mark.append(...styled.childNodes)
      styled.append(mark)
    }
  }
  // A subheading is bold already.
  for (const bold of root.querySelectorAll("h2 strong, h3 strong, h4 strong")) unwrap(bold)
}

// What a paste from Word or Google Docs keeps: the schema drops classes and unknown elements;
// these are the structures it would misread.
export function cleanPastedHTML(html) {
  // Style and event attributes are renamed before parsing, so none is ever applied (or refused
  // by the CSP, which the console would report); their meaning is read from the renamed copy.
  const inert = html.replace(/<[a-z][^>]*>/gi, (tag) => tag.replace(/\s(style|on[a-z]+)\s*=/gi, " data-pasted-$1="))
  const pasted = new DOMParser().parseFromString(inert, "text/html").body
  for (const unwanted of pasted.querySelectorAll("script, style, template")) unwanted.remove()
  styleToElements(pasted)
  // H1 is the headline: a pasted H1 is a subheading; H5 and H6 are the smallest the body has.
  for (const heading of pasted.querySelectorAll("h1, h5, h6")) rename(heading, heading.tagName === "H1" ? "h2" : "h4")
  wordLists(pasted)
  return pasted.innerHTML
}

const countWords = (doc) =>
  (doc.textBetween(0, doc.content.size, " ", " ").match(/[\p{L}\p{N}]+(?:['’.-][\p{L}\p{N}]+)*/gu) || []).length

const plural = (count, word) => `${count.toLocaleString("en-US")} ${word}${count === 1 ? "" : "s"}`

export function wordsAndReadingTime(words, wordsPerMinute) {
  if (!words) return "No words yet."
  return `${plural(words, "word")}, about ${plural(Math.ceil(words / wordsPerMinute), "minute")} to read`
}

// Link text that does not say where the link goes, out of its sentence.
const VAGUE_LINK_TEXT = new Set(["click here", "here", "link", "more", "read more", "this", "this link"])
const quoted = (text) => `“${text.length > 50 ? `${text.slice(0, 50)}…` : text}”`

// What an authoring tool prompts for (Section 508 §504, docs/DOMAIN.md section 8): subheadings in
// order, and link text that says where the link goes. Alt text and table headings are asked for
// where photos and tables are added.
export function writingAdvice(doc) {
  const advice = []
  let previous = 1 // the headline is the page's H1
  doc.descendants((node) => {
    if (node.type.name === "heading") {
      const { level } = node.attrs
      if (level > previous + 1) {
        advice.push(
          `The subheading ${quoted(node.textContent)} is level ${level} after level ${previous}: make it level ${previous + 1}, so screen readers can follow the outline.`,
        )
      }
      previous = level
    }
    const link = node.isText && node.marks.find((mark) => mark.type.name === "link")
    if (link) {
      const text = node.textContent.trim()
      if (VAGUE_LINK_TEXT.has(text.toLowerCase()) || /^(https?:|www\.)/i.test(text)) {
        advice.push(`The link text ${quoted(text)} does not say where it goes: use words that do.`)
      }
    }
  })
  return advice
}

// The story form's whole state but the body (which the editor compares itself) and the token.
function formState(form, except) {
  return JSON.stringify(
    [...new FormData(form)]
      .filter(([name]) => name !== except && name !== "csrfmiddlewaretoken")
      .map(([name, value]) => [name, value instanceof File ? value.name : value]),
  )
}

export const StoryBody = Extension.create({
  name: "storyBody",

  addOptions() {
    return { wordsPerMinute: 200 }
  },

  addStorage() {
    return {}
  },

  onBeforeCreate() {
    // Tiptap would add its base styles in a <style> element, which the CSP refuses:
    // css/story-editor.css carries them.
    this.editor.options.injectCSS = false
  },

  addProseMirrorPlugins() {
    return [new Plugin({ props: { transformPastedHTML: cleanPastedHTML } })]
  },

  onCreate() {
    const { editor } = this
    const view = editor.view.dom
    const wrapper = view.closest(".prose-editor")
    const textarea = wrapper.querySelector("textarea")
    const form = textarea.form

    // The editable area takes the field's label and help; the label, made for the hidden
    // textarea, puts the cursor in the text.
    const label = document.querySelector(`label[for="${textarea.id}"]`)
    if (label) {
      label.id ||= `${textarea.id}_label`
      label.addEventListener("click", (event) => {
        event.preventDefault()
        editor.commands.focus()
      })
    }
    const help = document.getElementById(`${textarea.id}_helptext`)
    const count = element("p", { class: "story-editor-count", id: `${textarea.id}_count` })
    wrapper.append(count)
    view.id = `${textarea.id}_editor`
    for (const [name, value] of Object.entries({
      role: "textbox",
      "aria-multiline": "true",
      "aria-labelledby": label?.id,
      "aria-describedby": [help?.id, count.id, `${textarea.id}_advice`].filter(Boolean).join(" "),
    })) {
      if (value) view.setAttribute(name, value)
    }

    // The word count follows the typing; screen readers hear it once the typing pauses.
    let spoken = ""
    let pause = null
    const advice = element("ul", { class: "story-editor-advice", id: `${textarea.id}_advice` })
    count.after(advice)
    const showAdvice = () => {
      advice.replaceChildren(...writingAdvice(editor.state.doc).map((said) => element("li", {}, [said])))
    }
    this.storage.showCount = () => {
      const said = wordsAndReadingTime(countWords(editor.state.doc), this.options.wordsPerMinute)
      count.textContent = said
      showAdvice()
      window.clearTimeout(pause)
      pause = window.setTimeout(() => {
        if (said !== spoken && editor.isFocused) announce(said)
        spoken = said
      }, 2000)
    }
    count.textContent = wordsAndReadingTime(countWords(editor.state.doc), this.options.wordsPerMinute)
    spoken = count.textContent
    showAdvice()

    // Ctrl+S (⌘S): Save and continue editing, from anywhere on the story form.
    const save = (event) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey || event.key.toLowerCase() !== "s") return
      event.preventDefault()
      if (document.querySelector("dialog[open]")) {
        announce("Finish or cancel the dialog first, then save.")
        return
      }
      const saveButton = form.querySelector('[name="_continue"]') ?? form.querySelector('[name="_save"]')
      if (saveButton) form.requestSubmit(saveButton)
    }

    // Leaving with unsaved changes asks first: not after saving, not when nothing changed. A form
    // that came back with errors holds what was not saved yet.
    const startingBody = editor.getHTML()
    const startingForm = formState(form, textarea.name)
    const notSavedYet = Boolean(document.querySelector(".errornote"))
    let submitting = false
    const submitted = () => {
      submitting = true
    }
    const leaving = (event) => {
      // Signed out, the working-together script keeps what was typed in the browser (typingKept).
      if (submitting || form.dataset.typingKept) return
      if (!notSavedYet && editor.getHTML() === startingBody && formState(form, textarea.name) === startingForm) return
      event.preventDefault()
      event.returnValue = "" // older browsers need it set to ask
    }
    document.addEventListener("keydown", save)
    form.addEventListener("submit", submitted)
    window.addEventListener("beforeunload", leaving)
    this.storage.forget = () => {
      document.removeEventListener("keydown", save)
      form.removeEventListener("submit", submitted)
      window.removeEventListener("beforeunload", leaving)
      count.remove()
      advice.remove()
    }
  },

  onUpdate() {
    this.storage.showCount?.()
  },

  onDestroy() {
    this.storage.forget?.()
  },
})
