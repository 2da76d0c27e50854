// Security keys and passkeys (WebAuthn) on the admin's sign-in pages: adding one ("add") and using
// one after the password ("use"). The server's side is django-otp-webauthn's begin and complete
// endpoints (newsroom/accounts/urls.py); each says where to go next once it has checked the key.

const RELOAD = "This page is out of date (you may have been signed out meanwhile). Reload it and try again."
const MESSAGES = {
  use: {
    waiting: "Waiting for your security key: insert it and touch it, or use your fingerprint, face or PIN.",
    checking: "Checking your key…",
    noAnswer: "Your security key did not answer. Try again, or use a recovery code.",
    refused:
      "That key is not the one on your account, or its answer could not be checked. Try again with your own key, or use a recovery code.",
    expired: RELOAD,
  },
  add: {
    waiting: "Waiting for your security key: insert it and touch it, or use your fingerprint, face or PIN.",
    checking: "Adding your key…",
    noAnswer: "No key was added: the browser was cancelled or the key did not answer in time. Try again.",
    refused: "Your key's answer could not be checked, so it was not added. Try again, or try another key.",
    expired: RELOAD,
    already: "This key is already on your account. Add a different key, or continue to the admin.",
  },
}
const UNSUPPORTED =
  "This browser cannot use security keys. Use a current version of Chrome, Edge, Firefox or Safari, or sign in with a recovery code."
const NOT_HERE =
  "Security keys work only at the site's own address. Open the admin from its usual address and try again."

for (const box of document.querySelectorAll(".security-key")) start(box)

function start(box) {
  const ceremony = box.dataset.ceremony
  const said = MESSAGES[ceremony]
  const button = box.querySelector(".security-key-start")
  const status = box.querySelector(".security-key-status")
  const token = box.querySelector("[name=csrfmiddlewaretoken]").value
  const tell = (text, trouble = false) => {
    status.textContent = text
    status.classList.toggle("errornote", trouble)
  }
  box.hidden = false
  if (!window.PublicKeyCredential) {
    button.disabled = true
    tell(UNSUPPORTED, true)
    return
  }
  // The box was hidden until now (it needs this script), so its button's autofocus is applied here.
  if (button.autofocus) button.focus()

  const post = (address, body) =>
    fetch(address, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Content-Type": "application/json", Accept: "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    })

  button.addEventListener("click", async () => {
    button.disabled = true
    tell(said.waiting)
    try {
      const begun = await post(box.dataset.begin)
      if (!begun.ok) return fail(said.expired)
      const options = await begun.json()
      let credential
      try {
        credential =
          ceremony === "add"
            ? await navigator.credentials.create({ publicKey: creationOptions(options) })
            : await navigator.credentials.get({ publicKey: requestOptions(options) })
      } catch (error) {
        if (error.name === "InvalidStateError" && said.already) return fail(said.already)
        if (error.name === "SecurityError") return fail(NOT_HERE)
        return fail(said.noAnswer)
      }
      if (!credential) return fail(said.noAnswer)
      tell(said.checking)
      const completed = await post(box.dataset.complete, asJSON(credential))
      if (!completed.ok) return fail(completed.status === 400 ? said.expired : said.refused)
      const { redirect_url: next } = await completed.json()
      window.location.assign(next)
    } catch {
      fail(said.refused)
    }
  })

  function fail(text) {
    tell(text, true)
    button.disabled = false
    button.focus()
  }
}

// WebAuthn speaks ArrayBuffers; the server's JSON carries them as base64url.
function bytes(text) {
  const plain = atob(text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "="))
  return Uint8Array.from(plain, (letter) => letter.charCodeAt(0))
}

function text(buffer) {
  const plain = String.fromCharCode(...new Uint8Array(buffer))
  return btoa(plain).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")
}

const descriptors = (list = []) => list.map((item) => ({ ...item, id: bytes(item.id) }))

function creationOptions(options) {
  return {
    ...options,
    challenge: bytes(options.challenge),
    user: { ...options.user, id: bytes(options.user.id) },
    excludeCredentials: descriptors(options.excludeCredentials),
  }
}

function requestOptions(options) {
  return { ...options, challenge: bytes(options.challenge), allowCredentials: descriptors(options.allowCredentials) }
}

function asJSON(credential) {
  const { response } = credential
  const json = {
    id: credential.id,
    rawId: text(credential.rawId),
    type: credential.type,
    clientExtensionResults: credential.getClientExtensionResults(),
    authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
    response: { clientDataJSON: text(response.clientDataJSON) },
  }
  if (response.attestationObject) {
    json.response.attestationObject = text(response.attestationObject)
    json.response.transports = response.getTransports ? response.getTransports() : []
  } else {
    json.response.authenticatorData = text(response.authenticatorData)
    json.response.signature = text(response.signature)
    if (response.userHandle) json.response.userHandle = text(response.userHandle)
  }
  return json
}
