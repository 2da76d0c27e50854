// "Save and schedule" names the moment typed in the story's publication time, on the site's clock
// and with its zone, as the story list will show it: "Save and schedule for Jan. 6, 2027, 10 a.m. EST".
const AP_MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
const PLAIN = "Save and schedule"

function clock(hour, minute) {
  if (minute === 0 && hour === 12) return "noon"
  if (minute === 0 && hour === 0) return "midnight"
  const minutes = minute ? `:${String(minute).padStart(2, "0")}` : ""
  return `${hour % 12 || 12}${minutes} ${hour < 12 ? "a.m." : "p.m."}`
}

function zoneName(zone, year, month, day) {
  // The zone's name on that day (EST or EDT), read at noon, clear of the 2 a.m. changeover.
  const noon = new Date(Date.UTC(year, month - 1, day, 17))
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "short" }).formatToParts(noon)
  return parts.find((part) => part.type === "timeZoneName")?.value || ""
}

export function scheduleLabel(dateText, timeText, zone) {
  const day = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(dateText.trim())
  const time = /^(\d{1,2}):(\d{2})(?::\d{2})?$/.exec(timeText.trim())
  if (!day || !time) return PLAIN
  const [year, month, date] = day.slice(1).map(Number)
  const [hour, minute] = time.slice(1).map(Number)
  if (month < 1 || month > 12 || date < 1 || date > 31 || hour > 23 || minute > 59) return PLAIN
  const name = zone ? ` ${zoneName(zone, year, month, date)}` : ""
  return `${PLAIN} for ${AP_MONTHS[month - 1]} ${date}, ${year}, ${clock(hour, minute)}${name}`
}

const button = document.querySelector('input[name="_schedule"]')
const date = document.getElementById("id_published_at_0")
const time = document.getElementById("id_published_at_1")
const zone = document.querySelector('meta[name="newsroom-time-zone"]')?.content
if (button && date && time) {
  const update = () => {
    button.value = scheduleLabel(date.value, time.value, zone)
  }
  for (const field of [date, time]) {
    for (const event of ["input", "change", "blur"]) field.addEventListener(event, update)
  }
  // Django's "Today" and "Now" shortcuts set the value without an event of the field's own.
  document.addEventListener("click", (event) => {
    if (event.target.closest(".datetimeshortcuts")) setTimeout(update, 0)
  })
  update()
}
