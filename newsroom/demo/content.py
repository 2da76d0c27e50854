"""The demo newsroom's content, as plain data: `manage.py load_demo` turns it into rows.

Everything here is invented: people, units, installations, towns, storms and exercises.
It is written the way a defense public-affairs newsroom writes, so the site looks and
reads like the real thing, but it describes nothing that happened.

Times are fixed, never "now minus N days", so every machine gets identical content.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from newsroom.stories.models import Label

EASTERN = ZoneInfo("America/New_York")


def eastern(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """An aware datetime on the newsroom's clock (U.S. Eastern)."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=EASTERN)


# --------------------------------------------------------------------------- data types


@dataclass(frozen=True)
class DemoTag:
    name: str
    slug: str


@dataclass(frozen=True)
class DemoPhoto:
    virin: str  # canonical; its date is the day the photo was taken
    title: str
    caption: str  # DoD style, ending with the date in AP style
    alt_text: str
    photographer: str  # rank and name
    credit: str  # organization
    scene: str  # what newsroom.demo.images draws for it

    @property
    def date_taken(self) -> datetime.date:
        return datetime.date(2000 + int(self.virin[0:2]), int(self.virin[2:4]), int(self.virin[4:6]))

    @property
    def file_name(self) -> str:
        return f"{self.virin}.jpg"

    def record(self) -> dict:
        """The photo's record, as PhotoAsset fields (the picture itself is newsroom.demo.images')."""
        return {
            "virin": self.virin,
            "title": self.title,
            "caption": self.caption,
            "alt_text": self.alt_text,
            "photographer": self.photographer,
            "credit": self.credit,
            "date_taken": self.date_taken,
        }


@dataclass(frozen=True)
class PhotoUse:
    """A photo block in a story's body, where it stands among the other blocks."""

    virin: str
    caption: str = ""  # optional, replaces the photo's own caption in this story only


# A link to another demo story, written in a block as [[its-slug|the link's words]]: load_demo
# makes it the link the editor makes, by the story's id (docs/STORY_BODY.md), so the story must
# come earlier in STORIES.
STORY_LINK = re.compile(r"\[\[([a-z0-9-]+)\|([^\]]+)\]\]")


PUBLISHED = "published"
SCHEDULED = "scheduled"
DRAFT = "draft"


@dataclass(frozen=True)
class DemoStory:
    slug: str
    headline: str
    summary: str
    byline: str
    label: str
    # The body's blocks in reading order: each an HTML block in the canonical form, or a photo.
    body: tuple[str | PhotoUse, ...]
    published_at: datetime.datetime | None  # None only for the draft
    tags: tuple[str, ...] = ()  # tag slugs
    related: tuple[str, ...] = ()  # story slugs
    state: str = PUBLISHED
    archive: bool = False  # moved into the historical collection
    never_archive: bool = False

    @property
    def photos(self) -> tuple[PhotoUse, ...]:
        return tuple(block for block in self.body if isinstance(block, PhotoUse))

    @property
    def linked(self) -> list[str]:
        """The slugs of the stories its body links to."""
        return [slug for block in self.body if isinstance(block, str) for slug, _ in STORY_LINK.findall(block)]


@dataclass(frozen=True)
class DemoCollection:
    name: str
    slug: str
    notice: str
    description: str
    published_before: datetime.date
    archived_at: datetime.datetime  # when the demo's historical stories moved in


@dataclass(frozen=True)
class DemoPage:
    url: str
    title: str
    content: str  # plain HTML
    # Earlier starter versions of the content: a page still holding one, unedited, is brought up to date.
    replaces: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoStatement:
    commitment: str
    contact_name: str
    contact_email: str
    contact_phone: str
    reply_days: int
    reviewed_on: datetime.date
    limitations: tuple[tuple[str, str], ...]  # (what does not work, what readers can do)


@dataclass(frozen=True)
class DemoContent:
    tags: tuple[DemoTag, ...]
    photos: tuple[DemoPhoto, ...]
    stories: tuple[DemoStory, ...]
    collection: DemoCollection
    pages: tuple[DemoPage, ...] = field(default=())
    statement: DemoStatement | None = None


# --------------------------------------------------------------------------- tags

TAGS = (
    DemoTag("Readiness", "readiness"),
    DemoTag("Disaster Response", "disaster-response"),
    DemoTag("Training", "training"),
    DemoTag("Allies and Partners", "allies-and-partners"),
    DemoTag("Military Families", "military-families"),
    DemoTag("Science and Technology", "science-and-technology"),
    DemoTag("Health", "health"),
    DemoTag("Community", "community"),
)

# --------------------------------------------------------------------------- photos

PHOTOS = (
    # Current stories, 2026.
    DemoPhoto(
        virin="260805-Z-KW218-1004",
        title="Sandbag Line",
        caption="Calder Army National Guard Spc. Tomas Reyes passes a sandbag along a line of "
        "soldiers reinforcing a levee on the Marrow River near Linden Falls, Calder, Aug. 5, 2026.",
        alt_text="Soldiers in camouflage pass sandbags hand to hand along the top of a grassy levee beside a swollen river.",
        photographer="Staff Sgt. Renee Okafor",
        credit="Army National Guard",
        scene="levee",
    ),
    DemoPhoto(
        virin="260806-Z-KW218-2011",
        title="Levee Check",
        caption="Army 1st Lt. Priya Sandoval, a platoon leader with the 1187th Engineer Company, "
        "Calder Army National Guard, watches an excavator place fill on a weakened section of the "
        "Marrow River levee near Linden Falls, Calder, Aug. 6, 2026.",
        alt_text="A yellow excavator works on an earthen levee while a soldier in a reflective vest watches from the crest.",
        photographer="Staff Sgt. Renee Okafor",
        credit="Army National Guard",
        scene="levee",
    ),
    DemoPhoto(
        virin="260812-N-PL407-1032",
        title="Hospital Ship at Anchor",
        caption="The hospital ship USNS Meridian lies at anchor off Puerto Alba during Continuing "
        "Harbor 2026, a three-month medical mission with partner nations, Aug. 12, 2026.",
        alt_text="A large white ship with red crosses on its hull rides at anchor in calm blue water.",
        photographer="Mass Communication Specialist 2nd Class Jordan Vance",
        credit="Navy",
        scene="hospital_ship",
    ),
    DemoPhoto(
        virin="260814-N-PL407-3107",
        title="Dental Clinic",
        caption="Navy Lt. Cmdr. Alicia Brennan, a dentist assigned to the hospital ship USNS Meridian, "
        "examines a patient at a community health post in Puerto Alba during Continuing Harbor 2026, "
        "Aug. 14, 2026.",
        alt_text="A Navy dentist in a blue uniform and mask leans over a patient in a folding chair inside a bright clinic.",
        photographer="Mass Communication Specialist 2nd Class Jordan Vance",
        credit="Navy",
        scene="clinic",
    ),
    DemoPhoto(
        virin="260901-F-TR552-1120",
        title="Runway Repair",
        caption="Airmen with the 817th Civil Engineer Squadron level fast-setting concrete in a "
        "simulated crater during a rapid airfield damage repair exercise at Harlan Field, Sept. 1, 2026.",
        alt_text="Airmen in hard hats smooth wet concrete in a square patch on a wide gray runway next to a front loader.",
        photographer="Senior Airman Kiara Blount",
        credit="Air Force",
        scene="runway",
    ),
    DemoPhoto(
        virin="260909-M-GD311-1045",
        title="Ridge Movement",
        caption="Marines with 2nd Battalion, 31st Marines, move along a ridgeline during cold-weather "
        "training at Granite Hollow Training Area near Camp Ridgeline, Sept. 9, 2026.",
        alt_text="A file of Marines with heavy packs walks along a rocky ridge below snow-capped peaks.",
        photographer="Cpl. Elena Marsh",
        credit="Marine Corps",
        scene="mountains",
    ),
    DemoPhoto(
        virin="260910-M-GD311-2203",
        title="Shelter Drill",
        caption="Marines with 2nd Battalion, 31st Marines, pitch four-season tents in fresh snow at "
        "Granite Hollow Training Area near Camp Ridgeline, Sept. 10, 2026.",
        alt_text="Marines in white-and-gray winter gear set up small green tents on a snowy slope.",
        photographer="Cpl. Elena Marsh",
        credit="Marine Corps",
        scene="snowcamp",
    ),
    DemoPhoto(
        virin="260929-G-HN120-1009",
        title="Homecoming",
        caption="The Coast Guard Cutter Aldridge returns to its home port of Harrow Point after a "
        "70-day fisheries patrol, Sept. 29, 2026.",
        alt_text="A white Coast Guard cutter with an orange diagonal stripe on its bow sails toward the camera on a clear day.",
        photographer="Petty Officer 3rd Class Sam Whitaker",
        credit="Coast Guard",
        scene="cutter",
    ),
    DemoPhoto(
        virin="261002-A-BW614-1078",
        title="Tourniquet Training",
        caption="Army Sgt. Lena Osei, a combat medic with the 402nd Field Hospital, shows a nurse how "
        "to apply a tourniquet during a trauma care class at the Cobb's Ridge Community Clinic, "
        "Oct. 2, 2026.",
        alt_text="A soldier demonstrates a tourniquet on a training mannequin's arm while two people in scrubs watch.",
        photographer="Sgt. Marcus Feld",
        credit="Army",
        scene="clinic",
    ),
    DemoPhoto(
        virin="261013-Z-RM580-1150",
        title="Shelter Setup",
        caption="Calder Air National Guard members set up cots in the gymnasium of Bayview High School "
        "as Hurricane Tamsin approaches the coast, Oct. 13, 2026.",
        alt_text="Rows of green cots fill a school gymnasium while uniformed Guard members unfold more.",
        photographer="Tech. Sgt. Hollis Brandt",
        credit="Air National Guard",
        scene="shelter",
    ),
    DemoPhoto(
        virin="261016-A-CD729-1201",
        title="Field Test",
        caption="Engineer Noor Haddad checks the output of a prototype rucksack water purifier at the "
        "Army Expeditionary Systems Laboratory at Fort Calder, Oct. 16, 2026.",
        alt_text="A researcher in safety glasses reads a meter beside a compact gray purifier and clear jugs of water on a lab bench.",
        photographer="Dana Whitcomb",
        credit="Army",
        scene="lab",
    ),
    DemoPhoto(
        virin="261103-D-JT845-1066",
        title="Formation Sail",
        caption="Ships from four partner navies sail in formation on the final day of Exercise Northern "
        "Lantern, Nov. 3, 2026.",
        alt_text="Five gray warships sail in a staggered line across a dark sea under a pale sky.",
        photographer="Carla Benning",
        credit="DOD",
        scene="fleet",
    ),
    DemoPhoto(
        virin="261111-D-JT845-1013",
        title="Honor Cordon",
        caption="Service members form an honor cordon for veterans arriving at the Veterans Day "
        "ceremony at Riverside Memorial Park in Eastbrook, Nov. 11, 2026.",
        alt_text="Two lines of service members in dress uniforms stand at attention beside a row of American flags.",
        photographer="Carla Benning",
        credit="DOD",
        scene="ceremony",
    ),
    # Historical collection, 2020-2021.
    DemoPhoto(
        virin="200518-Z-LF233-1042",
        title="Bridge Work",
        caption="Soldiers with the 1861st Engineer Battalion, Calder Army National Guard, set a steel "
        "panel on a temporary bridge over Cedar Creek near Millbrook, May 18, 2020.",
        alt_text="Soldiers guide a steel bridge panel hanging from a crane over a muddy creek.",
        photographer="Sgt. Avery Clune",
        credit="Army National Guard",
        scene="bridge",
    ),
    DemoPhoto(
        virin="200922-N-SB118-1166",
        title="Supply Run",
        caption="Sailors assigned to the expeditionary support ship USNS Kestrel Sound load medical "
        "supplies onto a landing craft bound for clinics on the Tessaly Islands, Sept. 22, 2020.",
        alt_text="A gray ship with a landing craft alongside sits offshore of a green island under a hazy sky.",
        photographer="Petty Officer 2nd Class Rafael Montoya",
        credit="Navy",
        scene="ship",
    ),
    DemoPhoto(
        virin="200922-N-SB118-1190",
        title="Clinic Delivery",
        caption="Sailors carry boxes of medical supplies to a field clinic on the Tessaly Islands, Sept. 22, 2020.",
        alt_text="Sailors carry cardboard boxes past white field tents on a sandy clearing.",
        photographer="Petty Officer 2nd Class Rafael Montoya",
        credit="Navy",
        scene="tents",
    ),
    DemoPhoto(
        virin="210302-F-XG904-1077",
        title="Cold Chain",
        caption="Airmen with the 933rd Airlift Wing unload temperature-controlled containers from a "
        "cargo aircraft at Kettle Lake Airstrip, March 2, 2021.",
        alt_text="A gray four-engine cargo plane sits on a snowy ramp with its rear door open as airmen move pallets.",
        photographer="Master Sgt. Denise Kowal",
        credit="Air Force Reserve",
        scene="airlift",
    ),
)

# --------------------------------------------------------------------------- stories

STORIES = (
    DemoStory(
        slug="guard-engineers-race-rising-river-to-shore-up-levee",
        headline="Guard Engineers Race Rising River to Shore Up Alder County Levee",
        summary="More than 300 Calder National Guard members filled sandbags and rebuilt a weakened "
        "levee overnight as the Marrow River crested near Linden Falls.",
        byline="Marcus Hale, DOD News",
        label=Label.NEWS,
        published_at=eastern(2026, 8, 7, 11, 15),
        tags=("disaster-response", "readiness"),
        related=(
            "guard-opens-shelters-as-hurricane-tamsin-nears-coast",
            "after-the-storm-where-military-families-can-find-help",
        ),
        body=(
            PhotoUse("260805-Z-KW218-1004"),
            "<p>Calder National Guard engineers worked through the night Aug. 5 and into Aug. 6 to "
            "reinforce a two-mile stretch of levee on the Marrow River, after three days of heavy "
            "rain pushed the river to within a foot of the levee's crest near Linden Falls.</p>",
            "<p>The governor called up the Guard on the afternoon of Aug. 5. Within six hours, "
            "soldiers from the 1187th Engineer Company and airmen from the state's civil engineer "
            "flight were filling sandbags alongside county road crews and volunteers.</p>",
            '<p>"We had water seeping through the toe of the levee in two places when we got there," '
            'said Army 1st Lt. Priya Sandoval, a platoon leader with the company. "The job was to buy'
            " time: get weight on those spots, keep the seep from turning into a breach, and let the "
            'river go down on its own schedule."</p>',
            '<blockquote class="pull-quote"><p>"The job was to buy time: get weight on those spots, keep the '
            'seep from turning into a breach."</p></blockquote>',
            PhotoUse("260806-Z-KW218-2011"),
            "<p>By morning the crews had placed about 40,000 sandbags and used two excavators to add "
            "fill to the weakest section. County officials said no homes in Linden Falls flooded.</p>",
            "<h2>Watching the Water Go Down</h2>",
            "<p>The river crested at 22.4 feet on the morning of Aug. 6, the second-highest level on "
            "record, according to county emergency managers. Guard members stayed on site for two "
            "more days to watch the levee as the water receded.</p>",
            "<p>The Guard's response drew on a flood exercise held with county agencies in the "
            'spring. "We had already walked this levee with the county engineer," Sandoval said. '
            '"Nobody was meeting anyone for the first time at two in the morning."</p>',
        ),
    ),
    DemoStory(
        slug="hospital-ship-meridian-completes-partnership-mission",
        headline="Hospital Ship Meridian Completes Summer Partnership Mission",
        summary="Medical teams from the hospital ship USNS Meridian treated more than 9,000 patients "
        "during a three-month mission with partner nations.",
        byline="Terrence Obi, DOD News",
        label=Label.NEWS,
        published_at=eastern(2026, 8, 20, 9, 30),
        tags=("health", "allies-and-partners"),
        related=(
            "sailors-deliver-medical-supplies-to-island-clinics",
            "army-medics-bring-trauma-training-to-rural-clinics",
        ),
        body=(
            PhotoUse("260812-N-PL407-1032"),
            "<p>The hospital ship USNS Meridian left Puerto Alba on Aug. 18, closing out Continuing "
            "Harbor 2026, a three-month mission that brought Navy, Army and Air Force medical teams "
            "and civilian volunteers to five coastal communities.</p>",
            "<p>Teams aboard the ship and ashore treated more than 9,000 patients, performed 212 "
            "surgeries and fitted 1,400 people with eyeglasses, according to mission planners. "
            "Veterinary teams vaccinated more than 2,000 animals.</p>",
            "<table><tbody>"
            "<tr><th><p>Continuing Harbor 2026</p></th><th><p>Total</p></th></tr>"
            "<tr><td><p>Patients treated</p></td><td><p>9,000+</p></td></tr>"
            "<tr><td><p>Surgeries</p></td><td><p>212</p></td></tr>"
            "<tr><td><p>People fitted with eyeglasses</p></td><td><p>1,400</p></td></tr>"
            "<tr><td><p>Animals vaccinated</p></td><td><p>2,000+</p></td></tr>"
            "</tbody></table>",
            "<p>The mission also trained local health workers. Navy nurses taught newborn care "
            "classes, and Air Force biomedical technicians repaired oxygen concentrators and other "
            "equipment at district hospitals.</p>",
            '<p>"The surgeries are what people remember, but the classes are what last," said Navy '
            "Capt. Helen Forsythe, the mission's commander. \"The nurses we trained this summer will "
            'still be teaching their colleagues long after we sail."</p>',
            PhotoUse("260814-N-PL407-3107"),
            "<p>Dental teams set up in schools and community halls, where lines often formed before "
            "dawn. In Puerto Alba alone, dentists saw more than 1,100 patients in nine days.</p>",
            "<p>Meridian is scheduled to return to its home port next month for maintenance before "
            "its next deployment.</p>",
        ),
    ),
    DemoStory(
        slug="airmen-repair-simulated-runway-damage-in-under-four-hours",
        headline="Airmen Repair Simulated Runway Damage in Under Four Hours",
        summary="Civil engineers at Harlan Field filled three simulated craters and reopened a "
        "runway to aircraft in less than four hours during an airfield recovery exercise.",
        byline="Senior Airman Kiara Blount, 817th Air Base Wing",
        label=Label.NEWS,
        published_at=eastern(2026, 9, 3, 14, 0),
        tags=("readiness", "training"),
        related=("reserve-aircrews-carry-cold-chain-shipments-to-remote-airstrips",),
        body=(
            "<p>Airmen with the 817th Civil Engineer Squadron reopened Harlan Field's main runway in "
            "three hours and 41 minutes Sept. 1, after an exercise scenario left three simulated "
            "craters across the pavement.</p>",
            "<p>The exercise tested how quickly the squadron could find damage, clear debris and "
            "patch the runway well enough for cargo aircraft to land. Crews cut out marked sections "
            "of an unused taxiway and filled them with fast-setting concrete.</p>",
            PhotoUse("260901-F-TR552-1120"),
            '<p>"Every minute the runway is closed is a minute nothing flies," said Air Force Maj. '
            "Daniel Reyes-Hart, the squadron's commander. \"We train on a stopwatch because that is "
            'the standard we will be held to."</p>',
            "<p>Teams used drones to survey the damage, which cut the time needed to map the craters "
            "from about 40 minutes to under 10. The concrete mix, delivered in bulk bags, reached "
            "landing strength in about an hour.</p>",
            "<p>A C-130 from a visiting squadron landed on the repaired runway at the end of the "
            "exercise to confirm the patches held.</p>",
        ),
    ),
    DemoStory(
        slug="at-9000-feet-marines-learn-the-cold-is-the-first-enemy",
        headline="At 9,000 Feet, Marines Learn the Cold Is the First Enemy",
        summary="A three-week course at Camp Ridgeline teaches Marines to move, shelter and fight in "
        "snow and thin air before they ever meet an opposing force.",
        byline="Cpl. Elena Marsh, Marine Corps Training Command",
        label=Label.FEATURE,
        published_at=eastern(2026, 9, 16, 10, 0),
        tags=("training", "readiness"),
        related=("partner-navies-close-out-exercise-northern-lantern",),
        body=(
            PhotoUse("260909-M-GD311-1045"),
            "<p>The first snow of the season fell on Granite Hollow Training Area in early September,"
            " and the Marines of 2nd Battalion, 31st Marines, were already on the ridge to meet "
            "it.</p>",
            "<p>The battalion is three weeks into a cold-weather course that starts with the basics:</p>",
            "<ol>"
            "<li><p>how to dress in layers,</p></li>"
            "<li><p>how to keep water from freezing,</p></li>"
            "<li><p>how to spot frostbite on a teammate's face before he notices it himself.</p></li>"
            "</ol>",
            '<p>"Most of these Marines have never slept in the snow," said Staff Sgt. Owen Brandvold,'
            ' a lead instructor. "The mountain does not care how fit you are. It cares whether you '
            'changed your socks."</p>',
            "<p>At about 9,000 feet, the air holds roughly a third less oxygen than at sea level. "
            "Instructors slow the pace for the first days and watch for headaches and nausea, early "
            "signs of altitude sickness.</p>",
            "<h2>Four Days on the Ridge</h2>",
            "<p>The course ends with a four-day exercise in which squads move cross-country on "
            "snowshoes, build shelters and run patrols against a role-playing opposing force.</p>",
            PhotoUse(
                "260910-M-GD311-2203",
                caption="Marines race to pitch tents on the course's first night in the field; "
                "instructors grade each team on how fast it gets everyone out of the wind, "
                "Sept. 10, 2026.",
            ),
            '<p>Lance Cpl. Marisol Vega said the hardest lesson was patience. "You want to push, but '
            'if you sweat through your layers on the climb, you freeze when you stop," she said. "You'
            ' learn to go slower so you can keep going."</p>',
        ),
    ),
    DemoStory(
        slug="coast-guard-cutter-returns-from-fisheries-patrol",
        headline="Coast Guard Cutter Returns From 70-Day Fisheries Patrol",
        summary="The crew of the Coast Guard Cutter Aldridge boarded 48 fishing vessels and helped "
        "two partner nations patrol their waters during a 70-day deployment.",
        byline="Petty Officer 3rd Class Sam Whitaker, Coast Guard Sector Harrow Point",
        label=Label.NEWS,
        published_at=eastern(2026, 9, 30, 16, 0),
        tags=("readiness", "allies-and-partners"),
        body=(
            PhotoUse("260929-G-HN120-1009"),
            "<p>The Coast Guard Cutter Aldridge returned to Harrow Point on Sept. 29 after a 70-day "
            "patrol enforcing fisheries laws and supporting partner nations' maritime patrols.</p>",
            "<p>The cutter's boarding teams inspected 48 fishing vessels and found 11 violations, "
            "including unreported catch and missing safety gear. Two vessels were escorted to port "
            "for further inspection by partner authorities.</p>",
            "<p>Under agreements with two partner nations, officers from their fisheries agencies "
            "sailed aboard Aldridge and led boardings in their own waters, with Coast Guard teams in "
            "support.</p>",
            '<p>"Our partners know their waters and their fleets," said Coast Guard Cmdr. Lauren '
            "Petrakis, Aldridge's commanding officer. \"We bring a ship that can stay out for weeks. "
            'Together we can cover ground neither of us could alone."</p>',
            "<p>The crew also responded to a disabled fishing vessel with six people aboard, towing "
            "it 40 miles to the nearest harbor.</p>",
        ),
    ),
    DemoStory(
        slug="pilot-extends-child-development-center-hours",
        headline="Department Launches Pilot to Extend Child Development Center Hours at Six Installations",
        summary="A one-year pilot will keep child development centers at six installations open "
        "until 9 p.m. on weekdays for families who work late or rotating shifts.",
        byline="DOD Office of Public Affairs",
        label=Label.RELEASE,
        published_at=eastern(2026, 10, 1, 12, 0),
        tags=("military-families",),
        related=("military-spouses-find-remote-work-through-employer-network",),
        body=(
            "<p>The Department of Defense today announced a one-year pilot program that will extend "
            "weekday hours at child development centers on six installations, starting Jan. 4, "
            "2027.</p>",
            "<h2>How the Pilot Works</h2>",
            "<p>Under the pilot, participating centers will stay open until 9 p.m. Monday through "
            "Friday. Families whose duty schedules include late or rotating shifts, such as medical, "
            "security and flight line personnel, will have priority for the extended hours.</p>",
            "<p>The six installations were chosen because of long waiting lists for evening care and "
            "large numbers of shift workers. They will be announced by each military service.</p>",
            "<p>Fees for extended hours will follow the existing sliding scale based on total family "
            "income. No family will pay more per hour in the evening than during the day.</p>",
            "<p>The department will survey participating families and center staff during the pilot "
            "and will use the results to decide whether to expand extended hours to other "
            "installations.</p>",
            "<p>Families can learn more from their installation's child and youth programs office.</p>",
        ),
    ),
    DemoStory(
        slug="army-medics-bring-trauma-training-to-rural-clinics",
        headline="Army Medics Bring Trauma Training to Rural Clinics",
        summary="Medics from the 402nd Field Hospital spent two weeks teaching bleeding control and "
        "patient transport to nurses and volunteer firefighters in rural Calder.",
        byline="Sgt. Marcus Feld, 402nd Field Hospital",
        label=Label.FEATURE,
        published_at=eastern(2026, 10, 8, 10, 30),
        tags=("health", "community", "training"),
        related=("hospital-ship-meridian-completes-partnership-mission",),
        body=(
            "<p>The nearest trauma center to Cobb's Ridge is 90 minutes away by road. For the town's "
            "small clinic and its volunteer fire department, that means the first hour after a "
            "serious injury is theirs to manage.</p>",
            "<p>For two weeks in late September and early October, Army medics from the 402nd Field "
            "Hospital trained 140 nurses, emergency medical technicians and volunteer firefighters in"
            " six towns on the skills the Army teaches its own combat medics: stopping bleeding, "
            "keeping an airway open and moving a patient safely.</p>",
            PhotoUse("261002-A-BW614-1078"),
            '<p>"The injuries from a farm accident or a highway crash look a lot like the ones we '
            'train for," said Sgt. Lena Osei, one of the instructors. "A tourniquet works the same '
            'way in a cornfield as it does anywhere else."</p>',
            "<p>The training counts toward the medics' own annual requirements, and it gives them "
            "practice teaching in unfamiliar settings, a skill they would need when working alongside"
            " civilian or partner medical teams.</p>",
            '<p>Clinic staff said the hands-on practice mattered most. "We had all seen the videos," '
            'said nurse practitioner Gail Henrikson. "Doing it with someone correcting your hands is '
            'different."</p>',
        ),
    ),
    DemoStory(
        slug="guard-opens-shelters-as-hurricane-tamsin-nears-coast",
        headline="Guard Opens Shelters as Hurricane Tamsin Nears the Coast",
        summary="About 1,200 Calder National Guard members are on duty to run shelters, clear roads "
        "and stage supplies ahead of Hurricane Tamsin's expected landfall.",
        byline="Marcus Hale, DOD News",
        label=Label.NEWS,
        published_at=eastern(2026, 10, 14, 18, 45),
        tags=("disaster-response", "community"),
        related=(
            "guard-engineers-race-rising-river-to-shore-up-levee",
            "after-the-storm-where-military-families-can-find-help",
        ),
        body=(
            "<p>About 1,200 Calder National Guard soldiers and airmen were on state duty Oct. 14 as "
            "Hurricane Tamsin moved toward the coast, with landfall expected early Oct. 15.</p>",
            PhotoUse("261013-Z-RM580-1150"),
            "<p>Guard members helped county officials open 14 shelters in schools and community "
            "centers, set up cots and generators, and staged water, meals and fuel at three logistics"
            " sites inland.</p>",
            "<p>High-water vehicles and rescue teams were positioned in coastal counties, and Guard "
            "aviation units moved helicopters out of the storm's path so they can return quickly once"
            " winds drop.</p>",
            '<p>"We pre-position so that the first call for help doesn\'t have to wait on a convoy," '
            "said Air Force Col. Regina Stroud, the state's joint task force commander.</p>",
            "<p>Service members who live in the storm's path and are not on duty were urged to follow"
            " local evacuation orders and to keep their units informed of where they are.</p>",
            "<p>Several of the units on duty are the same ones that "
            "[[guard-engineers-race-rising-river-to-shore-up-levee|held the Marrow River levee]] in August.</p>",
        ),
    ),
    DemoStory(
        slug="after-the-storm-where-military-families-can-find-help",
        headline="After the Storm: Where Military Families Can Find Help",
        summary="Service members and families affected by a hurricane, flood or wildfire can turn to "
        "their installation, their service's relief society and their unit for help. Here is where "
        "to start.",
        byline="Andrea Lum, DOD News",
        label=Label.NEWS,
        published_at=eastern(2026, 10, 16, 9, 0),
        tags=("military-families", "disaster-response"),
        never_archive=True,
        related=(
            "guard-opens-shelters-as-hurricane-tamsin-nears-coast",
            "guard-engineers-race-rising-river-to-shore-up-levee",
        ),
        body=(
            PhotoUse(
                "261013-Z-RM580-1150",
                caption="Installation family centers and relief societies can help families who have "
                "had to leave their homes, like those who sheltered in this school gymnasium "
                "in Bayview, Calder, during Hurricane Tamsin, Oct. 13, 2026.",
            ),
            "<p>When a disaster strikes near an installation, service members and their families face"
            " the same losses as their neighbors, along with duty that may keep one spouse away from "
            "home at the worst moment, as "
            "[[guard-opens-shelters-as-hurricane-tamsin-nears-coast|Hurricane Tamsin]] showed this month. "
            "This guide lists the first places to turn. It is updated as programs change.</p>",
            "<h2>Where to Start</h2>",
            "<ul>"
            "<li><p><strong>Tell your unit where you are.</strong> Every service runs an accountability "
            "system for personnel and families after a disaster. Checking in lets your command know "
            "you are safe and what you need.</p></li>"
            "<li><p><strong>Your installation's family center.</strong> Family and readiness centers can "
            "connect you with temporary lodging, emergency child care, counseling and help filing "
            "claims.</p></li>"
            "<li><p><strong>Relief societies.</strong> Each service's relief society offers interest-free"
            " loans and grants for emergency needs such as food, rent, car repairs and travel.</p></li>"
            "<li><p><strong>Evacuation allowances.</strong> If the military orders an evacuation, "
            "families may be entitled to travel and per diem allowances. Keep receipts and ask your "
            "finance office before you spend large sums.</p></li>"
            "<li><p><strong>Counseling.</strong> Confidential, non-medical counseling is available at no "
            "cost to service members and families, in person or by phone.</p></li>"
            "</ul>",
        ),
    ),
    DemoStory(
        slug="rucksack-size-water-purifier-passes-first-field-test",
        headline="Rucksack-Size Water Purifier Passes Its First Field Test",
        summary="A prototype purifier that weighs less than 12 pounds produced clean drinking water "
        "for a 30-person platoon from a muddy stream during a week of trials.",
        byline="Dana Whitcomb, Army Expeditionary Systems Laboratory",
        label=Label.FEATURE,
        published_at=eastern(2026, 10, 22, 11, 0),
        tags=("science-and-technology", "readiness"),
        body=(
            "<p>Small units that operate far from supply lines spend a surprising share of their "
            "effort on water: carrying it, rationing it and waiting for resupply. Researchers at the "
            "Army Expeditionary Systems Laboratory at Fort Calder want to change that.</p>",
            "<p>Their prototype purifier weighs 11.6 pounds, fits in the bottom of a rucksack and "
            "runs on the same batteries as a squad's radios. In field trials in October, it produced "
            "about 30 gallons of drinking water an hour from a muddy stream.</p>",
            '<p>"The goal is a platoon that can make its own water wherever it stops," said Noor '
            "Haddad, the project's lead engineer. \"If we take the water convoy off the road, that is "
            'fewer soldiers on the road, too."</p>',
            PhotoUse("261016-A-CD729-1201"),
            "<p>The device pushes water through a cartridge filter and then a membrane that removes "
            "bacteria, viruses and most chemical contaminants. Soldiers testing it said it was simple"
            " to set up, but asked for a quieter pump.</p>",
            "<p>The laboratory plans a second round of trials next spring in colder weather before "
            "the design is handed to program managers for a decision on production.</p>",
        ),
    ),
    DemoStory(
        slug="military-spouses-find-remote-work-through-employer-network",
        headline="Military Spouses Find Remote Work Through New Employer Network",
        summary="More than 2,000 military spouses have been hired into remote jobs they can keep "
        "through a permanent change of station since an employer network opened in the spring.",
        byline="Andrea Lum, DOD News",
        label=Label.NEWS,
        published_at=eastern(2026, 10, 29, 13, 0),
        tags=("military-families",),
        related=("pilot-extends-child-development-center-hours",),
        body=(
            "<p>Moving every two or three years has long made it hard for military spouses to build a"
            " career. A network of employers that pledge to hire spouses into remote jobs, and to let"
            " them keep those jobs when the family moves, has placed more than 2,000 spouses since it"
            " opened in April.</p>",
            "<p>The network lists openings from about 180 companies and nonprofit groups, in fields "
            "from accounting to software testing to medical billing. Employers agree to keep a "
            "spouse's job through a military move and to hold it during a deployment-related "
            "leave.</p>",
            '<p>"The first question I used to get in every interview was how long I\'d be in town," '
            'said Kendra Oyelaran, whose husband is an Air Force technical sergeant. "Now my job '
            "moves with us. That's the whole point.\"</p>",
            "<p>Spouses can search listings and get free résumé help through their installation's "
            "spouse employment office.</p>",
        ),
    ),
    DemoStory(
        slug="partner-navies-close-out-exercise-northern-lantern",
        headline="Partner Navies Close Out Exercise Northern Lantern",
        summary="Ships and aircraft from four partner navies finished two weeks of anti-submarine, "
        "search and rescue and mine countermeasures training.",
        byline="Terrence Obi, DOD News",
        label=Label.NEWS,
        published_at=eastern(2026, 11, 6, 10, 0),
        tags=("allies-and-partners", "training"),
        related=("at-9000-feet-marines-learn-the-cold-is-the-first-enemy",),
        body=(
            PhotoUse("261103-D-JT845-1066"),
            "<p>Exercise Northern Lantern ended Nov. 3 after two weeks of training that brought "
            "together 14 ships, two submarines and about 3,500 sailors from four partner navies.</p>",
            "<p>Crews practiced tracking submarines, clearing training mines from a shipping lane and"
            " rescuing the crew of a simulated downed aircraft in rough autumn seas.</p>",
            '<p>"Every navy here does these things well on its own," said Navy Rear Adm. Thomas '
            'Okonkwo-Reid, the exercise commander. "Northern Lantern is where we make sure we can do '
            'them together, on the same radio nets, with the same procedures, on short notice."</p>',
            "<p>For the first time, liaison officers from each navy worked in a single shared "
            "operations center ashore, rather than on separate flagships.</p>",
            "<p>Planning for next year's exercise begins in January.</p>",
        ),
    ),
    DemoStory(
        slug="honor-cordon-greets-veterans-at-riverside-memorial",
        headline="Honor Cordon Greets Veterans at Riverside Memorial Ceremony",
        summary="Service members from every branch lined the walk at Riverside Memorial Park as "
        "more than 400 veterans arrived for Eastbrook's Veterans Day ceremony.",
        byline="Carla Benning, DOD News",
        label=Label.NEWS,
        published_at=eastern(2026, 11, 11, 15, 0),
        tags=("community",),
        body=(
            "<p>More than 400 veterans walked between two lines of active-duty, Guard and reserve "
            "service members as they arrived for the Veterans Day ceremony at Riverside Memorial Park"
            " in Eastbrook on Nov. 11.</p>",
            PhotoUse("261111-D-JT845-1013"),
            "<p>The oldest veteran attending, 101-year-old former Army Cpl. Walter Danforth, was "
            "escorted to his seat by his great-granddaughter, a Navy ensign.</p>",
            '<p>"Every one of them walked a line like this when they left for their war," said Army '
            'Command Sgt. Maj. Renata Cole, who organized the cordon. "Today we stand the line for '
            'them."</p>',
            "<p>The ceremony included the reading of the names of Eastbrook residents killed in "
            "service since the park's memorial was dedicated, and a flyover by two Calder Air "
            "National Guard aircraft.</p>",
        ),
    ),
    # The historical collection, 2020-2021.
    DemoStory(
        slug="guard-engineers-rebuild-washed-out-bridge",
        headline="Guard Engineers Rebuild Washed-Out Bridge in 12 Days",
        summary="Calder Army National Guard engineers built a temporary bridge over Cedar Creek, "
        "restoring the only road into Millbrook after spring floods.",
        byline="Sgt. Avery Clune, Calder National Guard",
        label=Label.NEWS,
        published_at=eastern(2020, 5, 21, 10, 0),
        tags=("disaster-response", "community"),
        archive=True,
        related=("guard-engineers-race-rising-river-to-shore-up-levee",),
        body=(
            PhotoUse("200518-Z-LF233-1042"),
            "<p>Soldiers with the 1861st Engineer Battalion finished a 120-foot temporary bridge over"
            " Cedar Creek on May 19, reopening the only paved road into Millbrook 12 days after "
            "floodwaters swept away the old span.</p>",
            "<p>Until the bridge opened, residents had used a 40-mile detour over gravel roads, and "
            "school buses could not reach the town.</p>",
            "<p>The battalion assembled the steel panel bridge from parts stored at its armory, "
            "working in two shifts. A county crew built the approaches on each bank.</p>",
            '<p>"This is the kind of mission engineers join for," said Army Capt. Isaac Mendel, the '
            'company commander. "You can stand on the bank at the end and see exactly what you '
            'did."</p>',
            "<p>The temporary bridge will stay in place until the state finishes a permanent "
            "replacement, expected next year.</p>",
        ),
    ),
    DemoStory(
        slug="sailors-deliver-medical-supplies-to-island-clinics",
        headline="Sailors Deliver Medical Supplies to Island Clinics",
        summary="Sailors from USNS Kestrel Sound delivered 30 tons of medical supplies to clinics on "
        "the Tessaly Islands, where a storm had cut off regular shipments.",
        byline="Jim Calloway, DOD News",
        label=Label.NEWS,
        published_at=eastern(2020, 9, 24, 11, 0),
        tags=("health", "disaster-response", "allies-and-partners"),
        archive=True,
        related=("hospital-ship-meridian-completes-partnership-mission",),
        body=(
            PhotoUse("200922-N-SB118-1166"),
            "<p>Sailors aboard the expeditionary support ship USNS Kestrel Sound delivered about 30 "
            "tons of medical supplies to clinics on the Tessaly Islands on Sept. 22, two weeks after "
            "a tropical storm damaged the islands' only cargo pier.</p>",
            "<p>Landing craft carried the supplies, including medicines, wound-care kits and two "
            "portable generators, to beaches near four clinics. Sailors and local volunteers carried "
            "the boxes the last few hundred yards.</p>",
            PhotoUse("200922-N-SB118-1190"),
            '<p>"They had been rationing bandages," said Navy Lt. Aaron Whitfield, who led the shore '
            'party. "Seeing those shelves full again was worth every trip."</p>',
            "<p>The delivery was requested by island health authorities through the U.S. Embassy and "
            "coordinated with two international relief organizations.</p>",
        ),
    ),
    DemoStory(
        slug="reserve-aircrews-carry-cold-chain-shipments-to-remote-airstrips",
        headline="Reserve Aircrews Carry Cold-Chain Shipments to Remote Airstrips",
        summary="Air Force Reserve crews flew temperature-sensitive medical shipments to 11 remote "
        "airstrips that trucks could not reach in winter.",
        byline="Master Sgt. Denise Kowal, 933rd Airlift Wing",
        label=Label.NEWS,
        published_at=eastern(2021, 3, 4, 14, 0),
        tags=("health", "readiness"),
        archive=True,
        related=("airmen-repair-simulated-runway-damage-in-under-four-hours",),
        body=(
            "<p>Air Force Reserve aircrews from the 933rd Airlift Wing flew 26 missions in February "
            "to carry temperature-controlled medical shipments to 11 remote airstrips, at the request"
            " of the state health department.</p>",
            PhotoUse("210302-F-XG904-1077"),
            "<p>Many of the communities are reached by ice roads in a normal winter, but a warm spell"
            " left the roads unsafe. Each shipment had to stay within a narrow temperature range from"
            " loading to delivery.</p>",
            '<p>"Our loadmasters checked the containers\' temperature logs at every stop," said Air '
            'Force Lt. Col. Marcy Delacroix, who led the effort. "The cargo had a clock on it, and so'
            ' did we."</p>',
            "<p>The missions also counted as training for the reserve crews, who practice landing on "
            "short, unimproved strips.</p>",
        ),
    ),
    DemoStory(
        slug="base-libraries-add-online-tutoring-for-military-children",
        headline="Base Libraries Add Online Tutoring for Military Children",
        summary="Children of service members can now get free online tutoring in math, science and "
        "writing through their installation library's website.",
        byline="Andrea Lum, DOD News",
        label=Label.NEWS,
        published_at=eastern(2021, 2, 9, 10, 0),
        tags=("military-families",),
        archive=True,
        body=(
            "<p>Installation libraries have added free online tutoring for the children of service "
            "members, from kindergarten through high school.</p>",
            "<p>Students can connect with a tutor in math, science, writing and test preparation "
            "through their library's website, using their library card to log in.</p>",
            "<p>Librarians said the service is meant to help children whose families move in the "
            "middle of a school year and must catch up with a new school's curriculum.</p>",
            "<p>Families without a library card can get one at any installation library with a military ID.</p>",
        ),
    ),
    # Not visible to readers: a draft and a scheduled story, so the admin shows every state.
    DemoStory(
        slug="army-reserve-unit-readies-for-winter-relief-rotation",
        headline="Army Reserve Unit Readies for Winter Relief Rotation",
        summary="Soldiers of the 355th Quartermaster Company are training to run water and fuel "
        "points for a winter disaster relief rotation.",
        byline="Sgt. Marcus Feld, 402nd Field Hospital",
        label=Label.NEWS,
        published_at=None,
        state=DRAFT,
        tags=("readiness", "disaster-response"),
        body=(
            "<p>Soldiers of the 355th Quartermaster Company spent November drills practicing how to "
            "set up water purification and fuel distribution points in freezing weather.</p>",
            "<p>The company is on call from December through February to support civil authorities "
            "after winter storms.</p>",
            "<p>[Editor: add quote from the company commander and confirm the number of soldiers.]</p>",
            "<p>The unit last deployed for a winter relief mission in 2024.</p>",
        ),
    ),
    DemoStory(
        slug="fort-calder-opens-renovated-family-housing-neighborhood",
        headline="Fort Calder to Open Renovated Family Housing Neighborhood in January",
        summary="The first 64 of 210 renovated homes in Fort Calder's Oak Terrace neighborhood will "
        "be ready for families in January.",
        byline="Andrea Lum, DOD News",
        label=Label.NEWS,
        published_at=eastern(2027, 1, 6, 10, 0),
        state=SCHEDULED,
        tags=("military-families",),
        body=(
            "<p>The first 64 renovated homes in Fort Calder's Oak Terrace neighborhood open to "
            "families this week, the start of a project that will update all 210 homes by the end of "
            "2028.</p>",
            "<p>The renovation replaced roofs, windows, heating systems and plumbing, and added "
            "central air conditioning and new kitchens.</p>",
            "<p>Families on the waiting list for Oak Terrace have been notified of their assignments."
            " Residents of the neighborhood's unrenovated homes will move in phases, with the "
            "government paying moving costs.</p>",
            "<p>Residents can report problems with their homes through the installation's housing "
            "office, which now publishes monthly maintenance response times.</p>",
        ),
    ),
)

# --------------------------------------------------------------------------- historical collection

COLLECTION = DemoCollection(
    name="2019-2021 Historical Collection",
    slug="2019-2021",
    notice="You have accessed part of a historical collection on this website. Some of the "
    "information contained within may be outdated and links may not function. Please contact the "
    "webmaster with any questions.",
    description="Stories published from 2019 through 2021. They stay online at their original "
    "addresses for reference, but are no longer updated and no longer appear in current news.",
    published_before=datetime.date(2022, 1, 1),
    archived_at=eastern(2026, 8, 1, 9, 0),
)

# --------------------------------------------------------------------------- information pages

_DEMO_NOTE = (
    "<p><strong>This is a demonstration site.</strong> The news on it is invented, and this page "
    "describes what a real newsroom would publish here.</p>"
)

_PRIVACY_STARTER = (
    _DEMO_NOTE + "<p>A real Privacy Policy says what information the site collects from visitors and what "
    "it does with it.</p>"
    "<h2>What such a page holds</h2>"
    "<ul><li>What is logged when you visit, and for how long it is kept</li>"
    "<li>Whether the site uses cookies, and which kind</li>"
    "<li>How information you send, such as an email, is used and protected</li></ul>"
)
_PRIVACY_BEFORE_DAP = _PRIVACY_STARTER + "<p>This demo sets no tracking cookies and uses no third-party analytics.</p>"

PAGES = (
    DemoPage(
        "/about/",
        "About",
        _DEMO_NOTE + "<p>A newsroom's About page explains who runs the site, what it publishes and how to reach "
        "its public affairs office.</p>"
        "<h2>What this site publishes</h2>"
        "<ul><li>News stories and features about the people and work of the organization</li>"
        "<li>Releases and advisories</li>"
        "<li>Official photos, each with its VIRIN, caption and credit</li></ul>"
        "<h2>Historical collections</h2>"
        "<p>Older stories stay online in historical collections. They carry a notice that they may "
        "be outdated.</p>",
    ),
    DemoPage(
        "/foia/",
        "FOIA",
        _DEMO_NOTE + "<p>The Freedom of Information Act gives anyone the right to ask for federal agency "
        "records. A real FOIA page explains how to make a request to this organization.</p>"
        "<h2>What such a page holds</h2>"
        "<ul><li>Where and how to submit a request</li>"
        "<li>Contacts for the FOIA requester service center and public liaison</li>"
        "<li>The agency's FOIA reading room and annual reports</li></ul>",
    ),
    DemoPage(
        "/no-fear-act/",
        "No FEAR Act Data",
        _DEMO_NOTE + "<p>The Notification and Federal Employee Antidiscrimination and Retaliation Act of 2002 "
        "(No FEAR Act) requires agencies to post data about equal employment opportunity "
        "complaints filed against them.</p>"
        "<h2>What such a page holds</h2>"
        "<ul><li>Quarterly statistics on complaints, for the current year and the five before</li>"
        "<li>A link to the agency's notice to employees of their rights</li></ul>",
    ),
    DemoPage(
        "/privacy/",
        "Privacy Policy",
        _PRIVACY_STARTER
        + "<p>The one cookie this site itself sets for readers is <code>csrftoken</code>, set only by the form for "
        "reporting an accessibility problem: it protects the form against forged submissions, holds nothing about "
        "you and is deleted when you close your browser. A message sent with the form is read by the newsroom's "
        "editors only; an email address, if you give one, is used only to reply to you.</p>",
        # It said the site sets no tracking cookies whatever DAP_AGENCY says; the page's Web analytics
        # section now tells the truth about analytics.
        replaces=(_PRIVACY_BEFORE_DAP,),
    ),
    DemoPage(
        "/vulnerability-disclosure-policy/",
        "Vulnerability Disclosure Policy",
        _DEMO_NOTE + "<p>Federal agencies publish a vulnerability disclosure policy so that security "
        "researchers know how to report weaknesses they find, and that good-faith research is "
        "welcome.</p>"
        "<h2>What such a page holds</h2>"
        "<ul><li>Which systems are in scope, and which test methods are not allowed</li>"
        "<li>How to submit a report, and what to include</li>"
        "<li>What the agency commits to in return, such as acknowledging reports promptly</li></ul>",
    ),
)

# --------------------------------------------------------------------------- accessibility statement

# The statement at /accessibility/ is structured (newsroom/feedback/), not a flat page.
STATEMENT = DemoStatement(
    commitment="This is a demonstration site, and this statement shows what a real newsroom's says. We want "
    "everyone who visits to be able to read the news and see the photos, whatever device or assistive "
    "technology they use.",
    contact_name="Section 508 Program Manager, Office of Public Affairs",
    contact_email="section508@example.gov",
    contact_phone="703-555-0100 (TTY 711)",
    reply_days=5,
    reviewed_on=datetime.date(2026, 11, 2),
    limitations=(
        (
            "Videos play in their hosts' players (DVIDS, YouTube); a few older videos have no captions.",
            "Ask for a transcript with the feedback form and we will send one.",
        ),
        (
            "Some photos in the 2019-2021 historical collection have short descriptions.",
            "Each photo's caption also says what it shows; tell us which photo you need described.",
        ),
    ),
)

DEMO = DemoContent(tags=TAGS, photos=PHOTOS, stories=STORIES, collection=COLLECTION, pages=PAGES, statement=STATEMENT)
