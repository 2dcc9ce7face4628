// Shows the time left before an attempt's deadline. The server enforces the deadline; this
// only tells the person, and submits the attempt when the time is up.
(function () {
  const clock = document.querySelector(".countdown[data-deadline]");
  if (!clock) return;
  const deadline = new Date(clock.dataset.deadline).getTime();
  const tick = function () {
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    const minutes = Math.floor(left / 60);
    const seconds = String(left % 60).padStart(2, "0");
    clock.textContent = left > 0 ? minutes + ":" + seconds : clock.dataset.expiredText;
    if (left === 0) {
      clearInterval(timer);
      const form = document.getElementById("submit-attempt");
      if (form) form.submit();
    }
  };
  const timer = setInterval(tick, 1000);
  tick();
})();
