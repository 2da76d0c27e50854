// Links: to a web address (http, https or mailto only, opened in the same window), and to another
// story, chosen by searching its headline and kept by the story's id:
// <a href="/news/its-slug/" data-story="42"> (docs/STORY_BODY.md). Newsroom rewrites the address
// from the id on every save and render, so a new slug never breaks the link.

import { Extension, Link } from "django-prose-editor/editor"

import {
  announce,
  button,
  dialogForm,
  element,
  field,
  getJSON,
  openDialog,
  requireFilled,
  searchAsYouType,
} from "story-editor/dialogs"

const WEB_ADDRESS = /^(?:https?:\/\/[^\s/?#]+\.[^\s]*|mailto:[^\s@]+@[^\s@]+)$/i

// What a typed address becomes: "www.example.gov" is taken to mean https://www.example.gov, and
// "name@example.gov" a mailto: link.
export function webAddress(typed) {
  const address = typed.trim()
  if (/^[^\s:/@]+@[^\s@]+\.[a-z]{2,}$/i.test(address)) return `mailto:${address}`
  if (/^[^\s:/]+\.[a-z]{2,}(?:[/?#]\S*)?$/i.test(address)) return `https://${address}`
  return WEB_ADDRESS.test(address) ? address : ""
}

// The text the link goes on: the selection, or (with nothing selected) text the editor types in.
function insertLinked(editor, text, attrs) {
  const chain = editor.chain().focus()
  if (editor.isActive("link")) chain.extendMarkRange("link").updateAttributes("link", attrs).run()
  else if (!editor.state.selection.empty) chain.setMark("link", attrs).run()
  else chain.insertContent({ type: "text", text, marks: [{ type: "link", attrs }] }).run()
}

function editWebLink(editor) {
  const current = editor.getAttributes("link")
  const needsText = editor.state.selection.empty && !editor.isActive("link")
  const { body, close } = openDialog({ title: current.href ? "Edit the link" : "Link to a web address" })
  const address = field({
    name: "href",
    label: "Web address",
    value: current.story ? "" : (current.href ?? ""),
    required: true,
    attributes: { inputmode: "url", autocomplete: "url" },
    help: "An https:// or http:// address, or an email address. To link to another story, use “Link to another story”.",
  })
  const text = needsText ? field({ name: "text", label: "Link text", required: true, help: "The words readers click: say where the link goes." }) : null
  const fields = text ? [address, text] : [address]
  const remove = current.href ? button("Remove link") : null
  remove?.addEventListener("click", () => {
    close()
    editor.chain().focus().extendMarkRange("link").unsetLink().run()
    announce("Link removed.")
  })
  body.append(
    dialogForm({
      fields,
      submitText: current.href ? "Update link" : "Add link",
      extraButtons: remove ? [remove] : [],
      check() {
        const empty = requireFilled(fields)
        if (address.control.value.trim() && !webAddress(address.control.value)) {
          address.showError("Use an address that starts with https://, http:// or mailto:, or an email address.")
          return address
        }
        return empty
      },
      onSubmit() {
        close()
        insertLinked(editor, text?.control.value.trim(), { href: webAddress(address.control.value), story: null })
      },
    }),
  )
  address.control.focus()
}

// The web link: Tiptap's, through django-prose-editor, with the newsroom's dialog.
export const WebLink = Link.extend({
  addOptions() {
    return {
      ...this.parent?.(),
      enableTarget: false,
      // Only these schemes become links, in the editor as on the site; another story's address
      // is a path on this site.
      isAllowedUri: (address) => /^(?:https?:|mailto:|\/(?!\/))/i.test(address),
    }
  },

  addAttributes() {
    return {
      ...this.parent?.(),
      // A link to another story keeps the story's id, after its address as the body has it.
      story: {
        default: null,
        parseHTML: (link) => (/^\d+$/.test(link.getAttribute("data-story") ?? "") ? link.getAttribute("data-story") : null),
        renderHTML: ({ story }) => (story ? { "data-story": story } : {}),
      },
    }
  },

  addCommands() {
    return {
      ...this.parent?.(),
      addLink:
        () =>
        ({ editor }) => {
          editWebLink(editor)
          return true
        },
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "link",
      groups: "link",
      command: (editor) => editWebLink(editor),
      button: buttons.material("insert_link", "Link to a web address"),
      active: (editor) => editor.isActive("link") && !editor.getAttributes("link").story,
    })
    menu.defineItem({
      name: "unlink",
      groups: "link",
      command: (editor) => editor.chain().focus().extendMarkRange("link").unsetLink().run(),
      button: buttons.material("link_off", "Remove link"),
      hidden: (editor) => !editor.isActive("link"),
    })
  },
})

function chooseStory(editor, options) {
  const { body, close } = openDialog({ title: "Link to another story", className: "story-chooser" })
  const search = field({
    name: "q",
    label: "Words in its headline",
    kind: "search",
    help: "Drafts and stories in review are found too: the link works once the story is published.",
  })
  const status = element("p", { class: "story-chooser__status" })
  const results = element("ul", { class: "story-chooser__results", "aria-label": "Stories found" })
  const cancel = button("Cancel")
  cancel.addEventListener("click", () => close())
  const form = element("form", { role: "search", class: "story-chooser__search", "aria-label": "Stories" }, [
    search.wrapper,
    element("button", { type: "submit", class: "story-editor-button" }, ["Search"]),
  ])
  body.append(form, status, results, element("div", { class: "story-editor-dialog__buttons" }, [cancel]))
  // The story being written is not offered: its id is in the admin's address.
  const editing = window.location.pathname.match(/\/(\d+)\/change\/$/)?.[1] ?? ""

  let asked = 0
  async function find({ focusResults = false } = {}) {
    const words = search.control.value.trim()
    const mine = ++asked
    if (!words) {
      results.replaceChildren()
      status.textContent = ""
      return
    }
    status.textContent = "Searching…"
    let found
    try {
      found = (await getJSON(options.chooser, { q: words, exclude: editing })).data.stories
    } catch (error) {
      status.textContent = error.message
      return
    }
    if (mine !== asked) return // a later search is on its way
    results.replaceChildren(
      ...found.map((story) => {
        const pick = element("button", { type: "button", class: "story-editor-button story-chooser__story" }, [
          element("span", { class: "story-chooser__headline" }, [story.headline]),
          element("span", { class: "story-chooser__state" }, [` ${story.status}`]),
        ])
        pick.addEventListener("click", () => {
          close()
          insertLinked(editor, story.headline, { href: story.address, story: String(story.id) })
          announce(`Linked to “${story.headline}”.`)
        })
        return element("li", {}, [pick])
      }),
    )
    const said = found.length
      ? `${found.length} ${found.length === 1 ? "story" : "stories"} found.`
      : "No story has those words in its headline."
    status.textContent = said
    announce(said)
    if (focusResults) results.querySelector("button")?.focus()
  }

  searchAsYouType(form, search.control, find)
  search.control.focus()
}

// Links to other stories: a toolbar button finds the story; the link (WebLink's mark) keeps its id.
export const StoryLink = Extension.create({
  name: "storyLink",

  addOptions() {
    return { chooser: "" }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "storyLink",
      groups: "link",
      command: (editor) => chooseStory(editor, this.options),
      button: buttons.material("article", "Link to another story"),
      active: (editor) => Boolean(editor.isActive("link") && editor.getAttributes("link").story),
    })
  },
})
