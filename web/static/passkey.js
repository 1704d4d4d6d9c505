// Passkeys (WebAuthn): registering one, and signing in with one. A button
// with data-passkey="register" or "sign-in" names where to ask for options
// (data-begin) and where to send the authenticator's answer (data-finish);
// data-status names the element that shows what went wrong, and
// data-name-field the input holding a new passkey's name. The server answers
// the finish with {"redirect": "…"}. The browser's own JSON forms of the
// options and of the answer are used (parseCreationOptionsFromJSON, toJSON).
(function () {
  'use strict';
  async function post(url, body) {
    const res = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'Accept': 'application/json'},
      body: JSON.stringify(body === undefined ? {} : body)
    });
    const data = await res.json().catch(function () { return {}; });
    if (!res.ok) {
      throw new Error((data.error && data.error.message) || ('The server answered ' + res.status + '.'));
    }
    return data;
  }
  function say(button, message) {
    const out = button.dataset.status && document.getElementById(button.dataset.status);
    if (out) {
      out.textContent = message;
      out.hidden = !message;
    }
  }
  document.addEventListener('click', async function (e) {
    const button = e.target.closest('[data-passkey]');
    if (!button) {
      return;
    }
    e.preventDefault();
    if (!window.PublicKeyCredential || !PublicKeyCredential.parseCreationOptionsFromJSON) {
      say(button, 'This browser cannot use passkeys. Use a code from your authenticator app instead.');
      return;
    }
    button.disabled = true;
    say(button, '');
    try {
      const options = await post(button.dataset.begin);
      let credential;
      if (button.dataset.passkey === 'register') {
        credential = await navigator.credentials.create({publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options.publicKey)});
      } else {
        credential = await navigator.credentials.get({publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options.publicKey)});
      }
      let finish = button.dataset.finish;
      const name = button.dataset.nameField && document.getElementById(button.dataset.nameField);
      if (name) {
        finish += (finish.includes('?') ? '&' : '?') + 'name=' + encodeURIComponent(name.value);
      }
      const done = await post(finish, credential.toJSON());
      window.location.assign(done.redirect);
    } catch (err) {
      say(button, err.name === 'NotAllowedError' ? 'No passkey was used (cancelled, or none for this site).' : err.message);
      button.disabled = false;
    }
  });
})();
