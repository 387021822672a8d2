// "Your second factor": once a passkey is added (django-otp-webauthn's
// register script reports it with this event), reload so the list shows it.
document.addEventListener("otp_webauthn.register_complete", () => {
  window.setTimeout(() => window.location.reload(), 1500);
});
