// Photo blocks: a photo from the library in the story's flow, stored as
// <figure data-photo="ID" data-caption="…"></figure> (docs/STORY_BODY.md). The editor shows a card
// (thumbnail, title, VIRIN, what is missing before publishing) and a chooser that searches the
// library, filters it, pages through it and uploads a new photo in place.

import { Node } from "django-prose-editor/editor"

import { BlockCard, insertBlock } from "story-editor/blocks"
import {
  announce,
  button,
  dialogForm,
  element,
  field,
  getJSON,
  openDialog,
  postForm,
  searchAsYouType,
  uniqueId,
} from "story-editor/dialogs"

// What Newsroom said about each photo the editor has shown, by id: shared by every card, loaded
// for all the cards on the page in one request.
const known = new Map()
const waiting = new Map()
const cards = new Set()
const cardOfDom = new WeakMap()

function photoDetails(url, id) {
  if (!known.has(id)) {
    known.set(
      id,
      new Promise((resolve) => {
        waiting.set(id, resolve)
      }),
    )
    queueMicrotask(() => askForWaiting(url))
  }
  return known.get(id)
}

async function askForWaiting(url) {
  if (!waiting.size) return
  const asked = new Map(waiting)
  waiting.clear()
  let found = new Map()
  try {
    const { data } = await getJSON(url, { id: [...asked.keys()] })
    found = new Map(data.photos.map((photo) => [String(photo.id), photo]))
  } catch (error) {
    for (const id of asked.keys()) known.delete(id) // ask again next time
    announce(error.message)
  }
  for (const [id, resolve] of asked) resolve(found.get(id) ?? null)
}

function remember(photo) {
  known.set(String(photo.id), Promise.resolve(photo))
}

// Back from writing alt text in the photo library (a new tab): ask again about the photos that
// lacked something.
window.addEventListener("focus", () => {
  for (const card of cards) {
    if (card.photo && !card.photo.ready) {
      known.delete(card.node.attrs.photo)
      card.load()
    }
  }
})

const needs = (photo) =>
  [
    !photo.alt_text && "No alt text yet",
    !(photo.photographer && photo.credit) && "No photographer or credit yet",
    photo.copies_status,
  ].filter(Boolean)

function pictureOf(photo) {
  if (photo.copies_status) {
    // The worker makes a new photo's copies in a few seconds: say so, never a broken picture.
    return element("span", { class: "story-block__no-image", role: "status" }, [photo.copies_status])
  }
  if (photo.thumbnail) {
    const { url, width, height } = photo.thumbnail
    // alt="": the title, VIRIN and caption beside it say what it is.
    return element("img", { src: url, alt: "", width, height, loading: "lazy" })
  }
  return element("span", { class: "story-block__no-image" }, [
    photo.alt_text ? `No image file. Readers see its alt text: “${photo.alt_text}”` : "No image file and no alt text.",
  ])
}

class PhotoCard extends BlockCard {
  constructor({ node, editor, getPos, extension }) {
    super({
      kind: "photo",
      editor,
      getPos,
      actions: [
        ["Edit caption", () => this.editCaption()],
        ["Replace photo", () => this.replace()],
      ],
    })
    this.node = node
    this.options = extension.options
    this.photo = undefined // not known yet; null: not in the library
    cards.add(this)
    cardOfDom.set(this.dom, this)
    this.render()
    this.load()
  }

  load() {
    const id = this.node.attrs.photo
    photoDetails(this.options.details, id).then((photo) => {
      if (this.node.attrs.photo !== id) return
      this.photo = photo
      this.render()
    })
  }

  update(node) {
    if (node.type !== this.node.type) return false
    const otherPhoto = node.attrs.photo !== this.node.attrs.photo
    this.node = node
    if (otherPhoto) {
      this.photo = undefined
      this.load()
    }
    this.render()
    return true
  }

  render() {
    const { photo: id, caption } = this.node.attrs
    const photo = this.photo
    if (photo === undefined) {
      this.picture.replaceChildren()
      this.details.replaceChildren(
        element("p", { class: "story-block__kind" }, ["Photo"]),
        element("p", { class: "story-block__title", id: this.titleId }, [`Photo ${id}`]),
        element("p", {}, ["Loading its details…"]),
      )
      return
    }
    if (photo === null) {
      this.picture.replaceChildren()
      this.details.replaceChildren(
        element("p", { class: "story-block__kind" }, ["Photo"]),
        element("p", { class: "story-block__title", id: this.titleId }, [`Photo ${id} is no longer in the library`]),
        element("p", { class: "story-block__warning" }, [
          "Readers will not see it, and saving the story drops it. Replace it or remove it.",
        ]),
      )
      return
    }
    const warnings = needs(photo).map((words) =>
      element("p", { class: "story-block__warning" }, [
        `${words}: the story cannot be published until the photo has it. `,
        photo.change_url
          ? element("a", { href: photo.change_url, target: "_blank", rel: "noopener" }, [
              "Open the photo in a new tab",
            ])
          : null,
      ]),
    )
    this.picture.replaceChildren(pictureOf(photo))
    this.details.replaceChildren(
      element("p", { class: "story-block__kind" }, ["Photo"]),
      element("p", { class: "story-block__title", id: this.titleId }, [photo.title || "Untitled photo"]),
      element("p", { class: "story-block__virin" }, [`VIRIN ${photo.virin}`]),
      element("p", { class: "story-block__caption" }, [
        element("span", { class: "story-block__label" }, [caption ? "Caption in this story: " : "Caption: "]),
        caption || photo.caption,
      ]),
      ...warnings,
    )
  }

  editCaption() {
    const photo = this.photo
    const { dialog, body, close } = openDialog({ title: "Caption in this story" })
    const caption = field({
      name: "caption",
      label: "Caption for this story",
      kind: "textarea",
      value: this.node.attrs.caption ?? "",
      help: photo
        ? `Only this story shows it; the photo keeps its own. Leave it empty to use the photo’s own caption: “${photo.caption}”`
        : "Only this story shows it; the photo keeps its own.",
    })
    const setCaption = (value) => {
      const pos = this.getPos()
      this.editor.view.dispatch(
        this.editor.state.tr.setNodeMarkup(pos, undefined, { ...this.node.attrs, caption: value || null }),
      )
      close()
    }
    const ownCaption = button("Use the photo’s own caption")
    ownCaption.addEventListener("click", () => setCaption(""))
    body.append(
      dialogForm({
        fields: [caption],
        submitText: "Use this caption",
        check: () => null,
        onSubmit: () => setCaption(caption.control.value.trim()),
        extraButtons: [ownCaption],
      }),
    )
    dialog.querySelector("textarea").focus()
  }

  async replace() {
    const photo = await choosePhoto(this.options, { title: "Replace the photo" })
    if (!photo) return
    const pos = this.getPos()
    // A caption written for the old photo does not describe the new one.
    this.editor.view.dispatch(this.editor.state.tr.setNodeMarkup(pos, undefined, { photo: String(photo.id), caption: null }))
    announce(`Replaced with ${photo.title || photo.virin}.`)
  }

  ignoreMutation() {
    return true
  }

  destroy() {
    cards.delete(this)
  }
}

// The chooser: the library, searched and filtered, a page at a time, or a new photo uploaded in
// place. Resolves with the chosen photo, or null.
function choosePhoto(options, { title = "Choose a photo" } = {}) {
  return new Promise((resolve) => {
    let chosen = null
    const opened = { ...openDialog({ title, className: "photo-chooser" }), title }
    opened.closed.then(() => resolve(chosen))
    const pick = (photo) => {
      chosen = photo
      remember(photo)
      opened.close()
    }
    showLibrary(opened, options, pick)
  })
}

function select(name, label, choices) {
  const id = uniqueId(name)
  const control = element("select", { id, name }, [
    element("option", { value: "" }, ["Any"]),
    ...choices.map(([value, text]) => element("option", { value }, [text])),
  ])
  return { wrapper: element("div", { class: "story-editor-field" }, [element("label", { for: id }, [label]), control]), control }
}

function showLibrary(opened, options, pick, remembered = { q: "", service: "", year: "", page: 1 }) {
  const { body, heading } = opened
  const search = field({
    name: "q",
    label: "Words or VIRIN",
    kind: "search",
    value: remembered.q,
    help: "Words in the title, caption, photographer or keywords, or the start of a VIRIN such as 210614-A.",
  })
  const filters = element("form", { role: "search", class: "photo-chooser__filters", "aria-label": "Photo library" }, [
    search.wrapper,
  ])
  const status = element("p", { class: "photo-chooser__status" })
  const grid = element("ul", { class: "photo-chooser__grid", "aria-label": "Photos" })
  const previous = button("Previous page")
  const next = button("Next page")
  const pageName = element("span", { class: "photo-chooser__page" })
  const pager = element("nav", { class: "photo-chooser__pager", "aria-label": "Pages of photos" }, [previous, pageName, next])
  const upload = button("Upload a new photo")
  const cancel = button("Cancel")
  const footer = element("div", { class: "story-editor-dialog__buttons" }, [cancel])
  let service = null
  let year = null
  const state = { ...remembered }

  heading.textContent = opened.title
  body.replaceChildren(filters, status, grid, pager, footer)

  async function show(page, { focusResults = false } = {}) {
    state.page = page
    status.textContent = "Searching…"
    let answer
    try {
      answer = await getJSON(options.chooser, {
        q: state.q,
        service: state.service,
        year: state.year,
        page,
      })
    } catch (error) {
      status.textContent = error.message
      return
    }
    const found = answer.data
    if (answer.status !== 200) {
      status.textContent = found.error
      return
    }
    if (!service) addFilters(found)
    grid.replaceChildren(...found.photos.map((photo) => element("li", {}, [choice(photo)])))
    const words = found.photos.length
      ? `${found.photos.length} photo${found.photos.length === 1 ? "" : "s"} on page ${found.page}.`
      : "No photos match. Try other words, or another service or year."
    status.textContent = words
    announce(words)
    pageName.textContent = `Page ${found.page}`
    previous.disabled = !found.has_previous
    next.disabled = !found.has_next
    pager.hidden = !found.has_previous && !found.has_next
    if (found.can_upload && !upload.isConnected) footer.prepend(upload)
    if (focusResults) (grid.querySelector("button") ?? search.control).focus()
  }

  function addFilters(found) {
    service = select("service", "Service", found.services)
    year = select("year", "Year taken", found.years.map((value) => [value, value]))
    service.control.value = state.service
    year.control.value = state.year
    const go = element("button", { type: "submit", class: "story-editor-button" }, ["Search"])
    filters.append(service.wrapper, year.wrapper, go)
    for (const control of [service.control, year.control]) {
      control.addEventListener("change", () => {
        state[control.name] = control.value
        show(1)
      })
    }
  }

  // Each photo is a button named by what it shows: its title and VIRIN first, then what it
  // lacks before a story can be published with it (the picture comes first on screen only).
  function choice(photo) {
    const missing = needs(photo)
    const control = element(
      "button",
      { type: "button", class: "story-editor-button photo-chooser__choice" },
      [
        element("span", { class: "photo-chooser__title" }, [photo.title || "Untitled photo"]),
        element("span", { class: "photo-chooser__virin" }, [photo.virin]),
        missing.length ? element("span", { class: "photo-chooser__needs" }, [`${missing.join(". ")}.`]) : null,
        element("span", { class: "photo-chooser__picture" }, [pictureOf(photo)]),
      ],
    )
    control.addEventListener("click", () => pick(photo))
    return control
  }

  searchAsYouType(filters, search.control, ({ focusResults }) => {
    state.q = search.control.value.trim()
    show(1, { focusResults })
  })
  previous.addEventListener("click", () => show(state.page - 1, { focusResults: true }))
  next.addEventListener("click", () => show(state.page + 1, { focusResults: true }))
  cancel.addEventListener("click", () => opened.close())
  upload.addEventListener("click", () => showUpload(opened, options, pick, state))

  search.control.focus()
  show(state.page)
}

const PHOTO_FILES = ".jpg,.jpeg,.png,.webp,.tif,.tiff,image/jpeg,image/png,image/webp,image/tiff"

// Upload in place, with the photo form's own rounds: the file first (Newsroom reads its record and
// fills what it can), then the values to check, alt text among them, and save.
function showUpload(opened, options, pick, libraryState) {
  const { body, heading } = opened
  heading.textContent = "Upload a new photo"
  const file = field({
    name: "original",
    label: "Photo file",
    kind: "file",
    required: true,
    attributes: { accept: PHOTO_FILES },
    help: "JPEG, PNG, WebP or TIFF, as received from the photographer. Newsroom reads its own record and fills in what it can.",
  })
  const back = button("Back to the library")
  back.addEventListener("click", () => showLibrary(opened, options, pick, libraryState))
  const messages = element("div", { class: "photo-upload__messages", tabindex: "-1" })
  let pending = ""
  let typed = []
  const form = element("form", { class: "story-editor-form photo-upload", novalidate: true })
  const submit = element("button", { type: "submit", class: "story-editor-button story-editor-button--default" }, [
    "Read the file",
  ])
  const cancel = button("Cancel")
  cancel.addEventListener("click", () => opened.close())
  form.append(messages, file.wrapper, element("div", { class: "story-editor-dialog__buttons" }, [submit, back, cancel]))
  body.replaceChildren(form)
  file.control.focus()

  function showRound(round) {
    pending = round.pending_upload
    const notes = [...round.notes, ...round.errors]
    messages.replaceChildren(
      ...(round.preview
        ? [
            element("img", {
              class: "photo-upload__preview",
              src: round.preview.src,
              alt: "",
              width: round.preview.width,
              height: round.preview.height,
            }),
          ]
        : []),
      ...(notes.length ? [element("ul", {}, notes.map((note) => element("li", {}, [note])))] : []),
    )
    // The file is kept between rounds: choosing it again is needed only when it was refused.
    file.wrapper.hidden = Boolean(pending)
    file.clearError()
    if (round.file_errors.length) file.showError(round.file_errors.join(" "))
    for (const one of typed) one.wrapper.remove()
    typed = round.fields.map((described) => {
      const one = field({
        name: described.name,
        label: described.label,
        help: described.help,
        kind: described.kind,
        value: described.value,
        required: described.required,
      })
      if (described.errors.length) one.showError(described.errors.join(" "))
      if (described.filled_from_file) {
        const noteId = uniqueId("filled")
        one.wrapper.classList.add("story-editor-field--filled")
        one.wrapper.querySelector("label").after(
          element("p", { class: "story-editor-filled", id: noteId }, [
            `Filled in from the file’s ${described.filled_from_file} record.`,
          ]),
        )
        one.control.setAttribute("aria-describedby", `${noteId} ${one.control.getAttribute("aria-describedby")}`)
      }
      return one
    })
    file.wrapper.after(...typed.map((one) => one.wrapper))
    submit.textContent = "Save the photo and place it"
    const altText = typed.find((one) => one.control.name === "alt_text")
    const firstWrong = [file, ...typed].find((one) => one.control.getAttribute("aria-invalid") === "true")
    if (firstWrong) firstWrong.control.focus()
    else if (altText && !altText.control.value) altText.control.focus()
    else messages.focus()
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault()
    file.clearError()
    if (!pending && !file.control.files.length) {
      file.showError("Choose the photo file.")
      file.control.focus()
      return
    }
    const data = new FormData()
    if (file.control.files.length && !file.wrapper.hidden) data.append("original", file.control.files[0])
    data.append("pending_upload", pending)
    for (const one of typed) data.append(one.control.name, one.control.value)
    submit.disabled = true
    try {
      const answer = await postForm(options.upload, data)
      if (answer.data.saved) {
        if (answer.data.warnings.length) announce(answer.data.warnings.join(" "))
        pick(answer.data.photo)
        return
      }
      showRound(answer.data)
    } catch (error) {
      messages.replaceChildren(element("p", { class: "story-editor-error" }, [error.message]))
      messages.focus()
    } finally {
      submit.disabled = false
    }
  })
}

export async function insertPhoto(editor, options) {
  const photo = await choosePhoto(options)
  if (photo) {
    insertBlock(editor, { type: "photo", attrs: { photo: String(photo.id) } })
    announce(`Photo placed: ${photo.title || photo.virin}.`)
  }
}

export const PhotoBlock = Node.create({
  name: "photo",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addOptions() {
    return { chooser: "", details: "", upload: "" }
  },

  addAttributes() {
    return {
      photo: {
        default: null,
        parseHTML: (figure) => figure.getAttribute("data-photo"),
        renderHTML: ({ photo }) => ({ "data-photo": photo }),
      },
      caption: {
        default: null,
        parseHTML: (figure) => figure.getAttribute("data-caption") || null,
        renderHTML: ({ caption }) => (caption ? { "data-caption": caption } : {}),
      },
    }
  },

  parseHTML() {
    return [{ tag: "figure[data-photo]", getAttrs: (figure) => /^\d+$/.test(figure.getAttribute("data-photo")) && null }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", HTMLAttributes]
  },

  addNodeView() {
    return (props) => new PhotoCard(props)
  },

  addKeyboardShortcuts() {
    return {
      // A selected photo block: Enter edits its caption for this story.
      Enter: ({ editor }) => {
        const { selection } = editor.state
        if (selection.node?.type.name !== this.name) return false
        cardOfDom.get(editor.view.nodeDOM(selection.from))?.editCaption()
        return true
      },
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "photo",
      groups: "media",
      command: (editor) => insertPhoto(editor, this.options),
      button: buttons.material("add_photo_alternate", "Photo"),
    })
  },
})
