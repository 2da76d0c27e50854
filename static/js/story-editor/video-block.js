// Video blocks: a DVIDS or YouTube video in the story's flow, stored as
// <figure data-video="ADDRESS" data-title="…"></figure> with the video's canonical page address
// (docs/STORY_BODY.md, "Videos"). Readers get a privacy-enhanced embed; the editor shows a card.

import { Node } from "django-prose-editor/editor"

import { BlockCard, insertBlock } from "story-editor/blocks"
import { announce, dialogForm, element, field, openDialog, requireFilled } from "story-editor/dialogs"

const YOUTUBE_ID = "[A-Za-z0-9_-]{11}"
const VIDEO_ADDRESSES = [
  // youtube.com/watch?v=ID (other parameters allowed), youtu.be/ID, youtube.com/embed/ID, youtube-nocookie.com/embed/ID
  [new RegExp(`^https?://(?:www\\.|m\\.)?youtube\\.com/watch\\?(?:.*&)?v=(${YOUTUBE_ID})(?:[&#].*)?$`), "youtube"],
  [new RegExp(`^https?://youtu\\.be/(${YOUTUBE_ID})(?:[?#].*)?$`), "youtube"],
  [new RegExp(`^https?://(?:www\\.)?youtube(?:-nocookie)?\\.com/embed/(${YOUTUBE_ID})(?:[?#].*)?$`), "youtube"],
  // dvidshub.net/video/ID, with or without a trailing slug; dvidshub.net/video/embed/ID
  [/^https?:\/\/(?:www\.)?dvidshub\.net\/video\/(?:embed\/)?(\d+)(?:\/[^?#]*)?(?:[?#].*)?$/, "dvids"],
]
const CANONICAL = {
  youtube: (id) => `https://www.youtube.com/watch?v=${id}`,
  dvids: (id) => `https://www.dvidshub.net/video/${id}`,
}

// The video's canonical page address, or "" for an address that is not an allowed video.
export function videoAddress(typed) {
  const address = typed.trim()
  for (const [pattern, host] of VIDEO_ADDRESSES) {
    const match = address.match(pattern)
    if (match) return CANONICAL[host](match[1])
  }
  return ""
}

function editVideo(attrs = { address: "", title: "" }) {
  return new Promise((resolve) => {
    let result = null
    const { body, close, closed } = openDialog({ title: attrs.address ? "Edit the video" : "Add a video" })
    closed.then(() => resolve(result))
    const address = field({
      name: "address",
      label: "Video address",
      kind: "url",
      value: attrs.address,
      required: true,
      help: "A DVIDS or YouTube video’s address, for example https://www.dvidshub.net/video/912345 or https://www.youtube.com/watch?v=…",
    })
    const title = field({
      name: "title",
      label: "Title",
      value: attrs.title,
      required: true,
      help: "What the video shows, in a few words: readers using a screen reader hear it before the video.",
    })
    body.append(
      dialogForm({
        fields: [address, title],
        submitText: attrs.address ? "Update video" : "Add video",
        check() {
          const empty = requireFilled([address, title])
          if (address.control.value.trim() && !videoAddress(address.control.value)) {
            address.showError(
              "This is not a DVIDS or YouTube video address. Copy the address of the video’s own page, such as https://www.dvidshub.net/video/912345.",
            )
            return address
          }
          return empty
        },
        onSubmit() {
          result = { address: videoAddress(address.control.value), title: title.control.value.trim() }
          close()
        },
      }),
    )
    address.control.focus()
  })
}

class VideoCard extends BlockCard {
  constructor({ node, editor, getPos }) {
    super({ kind: "video", editor, getPos, actions: [["Edit video", () => this.edit()]] })
    this.node = node
    this.picture.append(element("span", { class: "story-block__icon material-icons", "aria-hidden": "true" }, ["smart_display"]))
    this.render()
  }

  render() {
    const { address, title } = this.node.attrs
    const host = address.includes("dvidshub.net") ? "DVIDS" : "YouTube"
    this.details.replaceChildren(
      element("p", { class: "story-block__kind" }, [`Video on ${host}`]),
      element("p", { class: "story-block__title", id: this.titleId }, [title || "No title"]),
      element("p", { class: "story-block__address" }, [
        element("a", { href: address, target: "_blank", rel: "noopener" }, [address]),
      ]),
    )
  }

  update(node) {
    if (node.type !== this.node.type) return false
    this.node = node
    this.render()
    return true
  }

  async edit() {
    const changed = await editVideo(this.node.attrs)
    if (changed) {
      this.editor.view.dispatch(this.editor.state.tr.setNodeMarkup(this.getPos(), undefined, changed))
      announce("Video updated.")
    }
  }

  ignoreMutation() {
    return true
  }
}

export async function insertVideo(editor) {
  const video = await editVideo()
  if (video) {
    insertBlock(editor, { type: "video", attrs: video })
    announce(`Video placed: ${video.title}.`)
  }
}

export const VideoBlock = Node.create({
  name: "video",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addAttributes() {
    return {
      address: {
        default: "",
        parseHTML: (figure) => figure.getAttribute("data-video"),
        renderHTML: ({ address }) => ({ "data-video": address }),
      },
      title: {
        default: "",
        parseHTML: (figure) => figure.getAttribute("data-title") || "",
        renderHTML: ({ title }) => ({ "data-title": title }),
      },
    }
  },

  parseHTML() {
    return [{ tag: "figure[data-video]", getAttrs: (figure) => Boolean(videoAddress(figure.getAttribute("data-video"))) && null }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", HTMLAttributes]
  },

  addNodeView() {
    return (props) => new VideoCard(props)
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "video",
      groups: "media",
      command: (editor) => insertVideo(editor),
      button: buttons.material("smart_display", "Video"),
    })
  },
})
