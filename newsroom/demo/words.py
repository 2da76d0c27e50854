"""The words of generated stories: people, units, places, exercises, topics and sentence templates.

All invented or generic; newsroom/demo/generate.py combines them into stories and photo records.
"""

import re

FIRST_NAMES = (
    "James Maria Robert Linda Michael Patricia David Jennifer William Elizabeth Richard Susan Joseph "
    "Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew Lisa Anthony Betty Mark Sandra Donald "
    "Ashley Steven Kimberly Paul Emily Andrew Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian "
    "Melissa George Deborah Timothy Stephanie Ronald Rebecca Jason Laura Edward Sharon Jeffrey Cynthia "
    "Ryan Kathleen Jacob Amy Gary Angela Nicholas Shirley Eric Anna Jonathan Brenda Stephen Pamela Larry "
    "Emma Justin Nicole Scott Helen Brandon Samantha Benjamin Katherine Samuel Christine Gregory Debra "
    "Alexander Rachel Frank Carolyn Patrick Janet Raymond Maria Jack Heather Dennis Diane Jerry Ruth "
    "Tyler Julie Aaron Olivia Jose Joyce Adam Virginia Nathan Victoria Henry Kelly Zachary Lauren Douglas "
    "Christina Peter Joan Kyle Evelyn Noah Judith Ethan Megan Jeremy Andrea Walter Cheryl Christian Hannah "
    "Keith Jacqueline Roger Martha Terry Gloria Austin Teresa Sean Ann Gerald Sara Carl Madison Harold "
    "Frances Dylan Kathryn Arthur Janice Lawrence Jean Jordan Abigail Jesse Alice Bryan Judy Billy Sophia "
    "Bruce Grace Gabriel Denise Joe Amber Logan Doris Alan Marilyn Juan Danielle Albert Beverly Willie "
    "Isabella Elijah Theresa Wayne Diana Randy Natalie Vincent Brittany Mason Charlotte Roy Marie Ralph "
    "Kayla Bobby Alexis Russell Lori Bradley Tomas Luis Aisha Mei Priya Kwame Hiroshi Ingrid Mateo"
).split()
LAST_NAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez "
    "Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark "
    "Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams "
    "Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker "
    "Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper "
    "Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James "
    "Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster "
    "Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher "
    "Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno "
    "West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall "
    "Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb "
    "Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason "
    "Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren Mills "
    "Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne Grant "
    "Dunn Kelley Spencer Hawkins Arnold Pierce Hansen Peters Santos Hart Bradley Knight Elliott "
    "Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Alvarado Ray Delgado Berry Perkins "
    "Hoffman Johnston Matthews Pena Richards Contreras Willis Carpenter Lawrence Sandoval Varga Okafor"
).split()

# (credit as printed, VIRIN service letter, ranks its photographers hold)
SERVICES = (
    ("Army", "A", ("Sgt.", "Staff Sgt.", "Spc.", "Sgt. 1st Class", "Capt.", "Pfc.")),
    ("Navy", "N", ("Petty Officer 2nd Class", "Petty Officer 1st Class", "Chief Petty Officer", "Seaman")),
    ("Air Force", "F", ("Senior Airman", "Airman 1st Class", "Staff Sgt.", "Tech. Sgt.", "Master Sgt.")),
    ("Marine Corps", "M", ("Lance Cpl.", "Cpl.", "Sgt.", "Staff Sgt.")),
    ("DOD", "D", ("",)),
    ("National Guard", "Z", ("Sgt.", "Staff Sgt.", "Master Sgt.", "Spc.")),
    ("Coast Guard", "G", ("Petty Officer 3rd Class", "Petty Officer 2nd Class", "Chief Petty Officer")),
)
SERVICE_WEIGHTS = (26, 20, 20, 12, 14, 5, 3)

OUTLETS = (
    "DOD News", "DOD News", "DOD News", "Army News Service", "Air Force News Service", "Navy News Service",
    "Marine Corps News", "National Guard Bureau", "Defense Health Agency", "Defense Logistics Agency",
    "American Forces Press Service", "Space Force News",
)

OFFICIALS = (
    "Defense Secretary", "Deputy Defense Secretary", "Pentagon Press Secretary", "Army Gen.", "Navy Adm.",
    "Air Force Gen.", "Marine Corps Gen.", "Army Lt. Gen.", "Navy Vice Adm.", "Air Force Maj. Gen.",
    "Army Brig. Gen.", "Navy Rear Adm.", "Army Col.", "Air Force Col.", "Navy Capt.", "Marine Corps Col.",
    "Army Command Sgt. Maj.", "Chief Master Sgt.", "Under Secretary of Defense", "Assistant Secretary of Defense",
)

UNIT_KINDS = (
    "Engineer Battalion", "Airlift Wing", "Expeditionary Strike Group", "Infantry Brigade Combat Team",
    "Medical Brigade", "Fighter Wing", "Marine Expeditionary Unit", "Signal Battalion", "Sustainment Brigade",
    "Civil Engineer Squadron", "Air Refueling Wing", "Aviation Regiment", "Destroyer Squadron",
    "Field Artillery Brigade", "Military Police Battalion", "Security Forces Squadron", "Construction Battalion",
    "Combat Aviation Brigade", "Special Operations Wing", "Transportation Company",
)

PLACES = (
    ("Norfolk", "Virginia"), ("San Diego", "California"), ("Fort Bragg", "North Carolina"),
    ("Colorado Springs", "Colorado"), ("Honolulu", "Hawaii"), ("Anchorage", "Alaska"), ("El Paso", "Texas"),
    ("San Antonio", "Texas"), ("Tampa", "Florida"), ("Pensacola", "Florida"), ("Baton Rouge", "Louisiana"),
    ("Jacksonville", "Florida"), ("Fayetteville", "North Carolina"), ("Killeen", "Texas"), ("Tacoma", "Washington"),
    ("Columbus", "Georgia"), ("Dayton", "Ohio"), ("Omaha", "Nebraska"), ("Charleston", "South Carolina"),
    ("Biloxi", "Mississippi"), ("Montgomery", "Alabama"), ("Las Vegas", "Nevada"), ("Tucson", "Arizona"),
    ("Albuquerque", "New Mexico"), ("Great Falls", "Montana"), ("Minot", "North Dakota"), ("Cheyenne", "Wyoming"),
    ("Groton", "Connecticut"), ("Portsmouth", "New Hampshire"), ("Annapolis", "Maryland"), ("Arlington", "Virginia"),
    ("Watertown", "New York"), ("Fort Leavenworth", "Kansas"), ("Lawton", "Oklahoma"), ("Savannah", "Georgia"),
    ("Juneau", "Alaska"), ("Burlington", "Vermont"), ("Boise", "Idaho"), ("Little Rock", "Arkansas"),
    ("Des Moines", "Iowa"), ("Topeka", "Kansas"), ("Madison", "Wisconsin"), ("Lansing", "Michigan"),
)
COUNTRIES = (
    "Germany", "Japan", "South Korea", "Poland", "Romania", "Estonia", "Lithuania", "Italy", "Spain",
    "Philippines", "Australia", "Kuwait", "Qatar", "Bahrain", "Djibouti", "Norway", "Greece", "Bulgaria",
    "Ghana", "Senegal", "Colombia", "Honduras", "Peru", "Thailand", "Indonesia", "Morocco",
)

EXERCISE_FIRST = (
    "Pacific", "Northern", "Resolute", "Steadfast", "Valiant", "Iron", "Cobalt", "Desert", "Arctic", "Atlantic",
    "Southern", "Swift", "Silent", "Combined", "Vigilant", "Sentinel", "Granite", "Coastal", "Trident", "Keystone",
)
EXERCISE_SECOND = (
    "Shield", "Anchor", "Sentry", "Dragon", "Eagle", "Horizon", "Guardian", "Lightning", "Tide", "Forge",
    "Resolve", "Partner", "Response", "Thunder", "Falcon", "Harbor", "Bridge", "Summit", "Compass", "Lance",
)

TOPICS = (
    "readiness", "recruiting", "military housing", "child care for military families", "cybersecurity",
    "the defense industrial base", "missile defense", "space operations", "hurricane recovery", "wildfire response",
    "suicide prevention", "spouse employment", "the military health system", "arms control", "munitions production",
    "shipbuilding", "pilot training", "the nuclear enterprise", "artificial intelligence", "climate resilience",
    "energy security", "logistics", "counterterrorism", "humanitarian assistance", "alliances in the Indo-Pacific",
    "NATO's eastern flank", "the defense budget", "acquisition reform", "small business contracting",
    "sexual assault prevention", "tuition assistance", "the transition to civilian life", "disaster relief",
    "maritime security", "hypersonic weapons", "undersea cables", "critical minerals", "quality of life",
    "barracks repairs", "commissary prices", "Arctic strategy", "border support", "medical research",
    "POW/MIA accounting", "unexploded ordnance removal", "base housing inspections", "drone defense",
)

TAG_NAMES = (
    "Readiness", "Disaster Response", "Hurricane Season", "Wildfires", "Flooding", "Military Families",
    "Military Spouses", "Child Care", "Military Housing", "Barracks", "Health", "Mental Health",
    "Suicide Prevention", "Medical Research", "Military Medicine", "Recruiting", "Retention", "Training",
    "Exercises", "Partnerships", "Allies", "NATO", "Indo-Pacific", "Europe", "Africa", "Middle East",
    "Latin America", "Arctic", "Space", "Cyber", "Artificial Intelligence", "Innovation", "Science and Technology",
    "Acquisition", "Industrial Base", "Small Business", "Budget", "Contracts", "Shipbuilding", "Aviation",
    "Missile Defense", "Nuclear Deterrence", "Arms Control", "Counterterrorism", "Humanitarian Assistance",
    "Climate", "Energy", "Environment", "Logistics", "Supply Chain", "Veterans", "Transition",
    "Education", "Tuition Assistance", "Sexual Assault Prevention", "Diversity", "Women in Service",
    "History", "Heritage", "Memorial Day", "Veterans Day", "POW/MIA", "Medal of Honor", "Honors", "Awards",
    "Chaplains", "Sports", "Warrior Games", "Holidays", "Commissaries", "Pay and Benefits", "Quality of Life",
    "Leadership", "Senior Leaders", "Congress", "Testimony", "Press Briefings", "Travel", "Security Cooperation",
    "Army", "Navy", "Air Force", "Marine Corps", "Space Force", "Coast Guard", "National Guard", "Reserve",
    "Special Operations", "Engineers", "Military Police", "Chaplain Corps", "Medical Corps", "Drones",
    "Hypersonics", "Munitions", "Maritime Security", "Border Support", "Pandemic Response", "Vaccines",
    "Wounded Warriors", "Caregivers", "Gold Star Families", "Fitness", "Nutrition", "Safety", "Aviation Safety",
    "Infrastructure", "Installations", "Base Realignment", "Housing Inspections", "Water Quality", "Cleanup",
    "Unexploded Ordnance", "Partner Nations", "Peacekeeping", "Civil Affairs", "Intelligence", "Space Launch",
    "Satellites", "Quantum", "Microelectronics", "Critical Minerals", "Undersea Cables", "Exercise Reports",
) + tuple(f"{name} Region" for name in ("Pacific", "Atlantic", "Gulf Coast", "Great Lakes", "Mountain West"))


def tag_names(count: int = 300) -> list[str]:
    """A few hundred distinct tag names: the topics above, then countries, states and exercises."""
    names = list(dict.fromkeys(TAG_NAMES))
    names += list(COUNTRIES)
    names += [state for state in dict.fromkeys(state for _, state in PLACES) if state not in names]
    names += [f"Exercise {first} {second}" for first in EXERCISE_FIRST for second in EXERCISE_SECOND]
    return names[:count]


# --------------------------------------------------------------------------- sentences

SENTENCES = (
    "{official} told reporters at the Pentagon that {topic} remains one of the department's top priorities.",
    "More than {n} service members from the {unit} took part in the training, which ran through {month}.",
    "The effort builds on work that began in {year}, when the {unit} first deployed to {place}.",
    '"We are ready to support our partners whenever they call on us," {official} said.',
    "Officials said the program will expand to {n2} installations over the next two years.",
    "The {unit} worked alongside troops from {country} during {exercise}, practicing everything from air defense to casualty evacuation.",
    "Planners spent months preparing for the event, coordinating with state and local officials in {place}.",
    "{official} noted that the department has invested heavily in {topic} since {year}.",
    "The exercise tested how quickly units can move people and equipment across long distances.",
    "Families at {place} said the changes have already made a difference in their daily lives.",
    "Commanders will review the results over the coming weeks and share lessons learned across the force.",
    '"This is about taking care of our people, and it always will be," {official} said.',
    "The department requested ${n}.{n3} billion for the effort in its latest budget proposal.",
    "Engineers repaired roads, cleared debris and restored power to more than {n} homes.",
    "Medical teams treated {n} patients during the first week, many of whom had not seen a doctor in years.",
    "The new policy takes effect {month} 1 and applies to active-duty, Guard and reserve members alike.",
    "Allies and partners have contributed ships, aircraft and personnel to the mission since it began.",
    "{official} visited troops at {place} to thank them for their work and hear their concerns.",
    "The review found that most installations met the standard, though several need further repairs.",
    "Service members who have questions about {topic} can contact their installation's family support center.",
    "The training culminated in a live-fire exercise that brought together ground, air and maritime forces.",
    "Leaders said the lessons from {exercise} will shape how the force trains for years to come.",
    "Researchers at the laboratory have spent the past {n3} years studying new ways to improve {topic}.",
    "The ceremony honored {n3} service members who were killed or wounded during the deployment.",
    "Crews flew {n} sorties during the operation, delivering food, water and medical supplies.",
    "The agreement with {country} strengthens cooperation on {topic} and information sharing.",
    "Department officials said the pilot program showed promising results at every participating base.",
    "Soldiers, sailors, airmen and Marines rehearsed the mission for weeks before it began.",
    "The announcement follows a months-long review ordered by {official}.",
    "Local leaders in {place} praised the partnership and asked for it to continue.",
    "The unit's members will return home in {month} after a nine-month rotation.",
    "Inspectors visited {n3} homes and documented problems ranging from mold to faulty wiring.",
    "The Defense Logistics Agency shipped more than {n} tons of supplies to the region.",
    "Officials stressed that the change will not affect pay or benefits for current service members.",
    "Partners from {country} and the United States have trained together on {topic} for more than a decade.",
    "The team identified the remains using dental records, DNA analysis and historical evidence.",
    "{official} said the department will keep working with Congress to secure stable funding.",
    "Students in the course learn to plan operations that span land, sea, air, space and cyberspace.",
    "The department plans to publish its findings later this year.",
    "Recruiters say interest has grown steadily since the campaign began in {month}.",
)
SUMMARIES = (
    "{official} said {topic} will remain a focus as the department works with allies and partners, speaking at {place} on {date}.",
    "Service members from the {unit} joined troops from {country} for {exercise}, a training event that tests how forces work together.",
    "The department announced changes to {topic} that officials say will help service members and their families.",
    "Engineers and medical teams from the {unit} are supporting recovery efforts in {place} after severe weather damaged homes and roads.",
    "A new report on {topic} finds progress at most installations and lists steps the department will take next.",
    "{official} visited {place} to meet troops and hear from families about {topic}.",
    "The {unit} completed a rotation in {country}, where its members trained with partner forces and helped local communities.",
    "Defense officials testified before Congress on {topic}, describing what the department has done and what it still needs.",
)
HEADLINES = (
    "{Official} Says {Topic} Remains Top Priority",
    "{Unit} Trains With {Country} Forces During {Exercise}",
    "Department Announces Changes to {Topic}",
    "Troops Help {City} Recover After Severe Storms",
    "Report Finds Progress on {Topic}, Lists Next Steps",
    "{Official} Visits Troops in {City}",
    "{Unit} Returns Home After Rotation in {Country}",
    "Officials Testify on {Topic} Before Congress",
    "{Exercise} Tests Readiness of U.S., {Country} Forces",
    "New Program Aims to Improve {Topic} for Military Families",
    "Engineers Restore Power, Clear Roads in {City}",
    "Medical Teams Treat Thousands in {Country}",
    "Department Invests in {Topic} at {N2} Installations",
    "Remains of World War II Soldier Identified, Returned to {State}",
    "{Unit} Marks Anniversary With Ceremony at {City}",
)
PHOTO_TITLES = (
    "Honor Cordon", "Levee Repair", "Flight Line", "Medical Exam", "Live Fire", "Convoy Drill", "Airdrop",
    "Ship Arrival", "Change of Command", "Night Training", "Water Survival", "Field Hospital", "Cargo Loading",
    "Ceremony", "Range Day", "Rescue Hoist", "Wreath Laying", "Formation", "Maintenance Check", "Supply Delivery",
)
PHOTO_ACTIONS = (
    ("signals an excavator operator during levee repairs", "A service member in a hard hat signals to an excavator on a grassy levee."),
    ("fires a rifle during a qualification range", "A soldier lies prone and aims a rifle across a dirt range."),
    ("checks a patient's blood pressure at a free clinic", "A medic wraps a blood pressure cuff around a patient's arm."),
    ("guides a cargo aircraft on the flight line", "An airman holds marshalling wands in front of a gray cargo aircraft."),
    ("loads supplies onto a helicopter", "Two service members carry boxes toward a helicopter with its rotors turning."),
    ("salutes during a change of command ceremony", "A uniformed officer salutes in front of a row of flags."),
    ("inspects a vehicle before a convoy", "A soldier looks under the hood of a tan military truck."),
    ("descends a rope from a hovering helicopter", "A service member slides down a rope beneath a helicopter."),
    ("lays a wreath at a memorial", "Two service members place a wreath of red flowers before a stone memorial."),
    ("navigates a ship's bridge", "A sailor at a ship's wheel looks out over open water."),
)

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slug_words(text: str) -> str:
    return _NON_SLUG.sub("-", text.lower()).strip("-")
