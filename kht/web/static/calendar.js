/* The calendar page (FullCalendar): its settings come from the JSON block #calendar-config,
   its events from the feed named by #calendar's data-feed. */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  const element = document.getElementById("calendar");
  const config = JSON.parse(document.getElementById("calendar-config").textContent);
  // A phone shows the week as a list (a month grid is unreadable at 390 px).
  const phone = window.matchMedia("(max-width: 575.98px)").matches;
  const calendar = new window.FullCalendar.Calendar(element, {
    initialView: phone ? "listWeek" : "dayGridMonth",
    timeZone: "UTC",  // the feed sends wall-clock times of the user's time zone
    now: config.now,
    firstDay: 1,
    height: "auto",
    nowIndicator: true,
    headerToolbar: phone
      ? {left: "title", right: "prev,next"}
      : {left: "prev,next today", center: "title", right: "dayGridMonth,timeGridWeek,timeGridDay,listWeek"},
    footerToolbar: phone ? {left: "today", right: "listWeek,dayGridMonth"} : false,
    buttonText: config.buttonText,
    noEventsText: config.noEventsText,
    locale: config.locale,
    events: {url: element.dataset.feed, failure: function () { element.dataset.failed = "1"; }},
    eventDidMount: function (info) {
      info.el.setAttribute("data-action", info.event.extendedProps.action_id);
      info.el.title = info.event.title;
    },
  });
  calendar.render();
  window.khtCalendar = calendar;
});
