"""The fixed material the demo College is built from: invented names, employers, teams, sites
and the course catalogue. Nothing here is about a real person or a real place's staff."""

# Invented names: ordinary first names and made-up surnames, combined at random, so no
# generated person is anyone in particular.
FIRST_NAMES = (
    "Alex",
    "Amira",
    "Ben",
    "Bethan",
    "Callum",
    "Chloe",
    "Dan",
    "Deepa",
    "Eilidh",
    "Emeka",
    "Fatima",
    "Finn",
    "Grace",
    "Hamza",
    "Hannah",
    "Idris",
    "Isla",
    "Jas",
    "Jo",
    "Kai",
    "Kavya",
    "Leon",
    "Lily",
    "Marcus",
    "Maya",
    "Nadia",
    "Niall",
    "Olu",
    "Orla",
    "Priya",
    "Quinn",
    "Rafael",
    "Rhiannon",
    "Rosa",
    "Sam",
    "Sana",
    "Theo",
    "Tess",
    "Usman",
    "Vera",
    "Wes",
    "Yasmin",
    "Zac",
    "Zara",
    "Ciaran",
    "Delyth",
    "Ellis",
    "Gemma",
    "Harvey",
    "Imogen",
    "Jude",
    "Keira",
    "Luca",
    "Mirela",
    "Noor",
    "Owen",
    "Petra",
    "Reuben",
    "Saoirse",
    "Tomasz",
)
LAST_NAMES = (
    "Ambleton",
    "Barrowcliff",
    "Brindlecombe",
    "Carrowmere",
    "Culverhay",
    "Dallowby",
    "Denholt",
    "Eddercliffe",
    "Farrowdale",
    "Fenwright",
    "Gillingmoor",
    "Greystock",
    "Hallowby",
    "Harrowden",
    "Inchmere",
    "Jessamond",
    "Kettleworth",
    "Kinnaird-Vale",
    "Larkhollow",
    "Lowestree",
    "Maplestone",
    "Merriwether",
    "Nettlecombe",
    "Northope",
    "Oakenshaw",
    "Orrinsby",
    "Pennyfeather",
    "Pickerell",
    "Quarrington",
    "Quillfoot",
    "Rathbourne",
    "Ravensdale",
    "Saltmarsh",
    "Scarrowby",
    "Sedgewick-Hale",
    "Thistlewood",
    "Thornbury-Lowe",
    "Upcott",
    "Underhay",
    "Vellacott",
    "Wainfleet",
    "Whitlowe",
    "Willowmere",
    "Yarrowby",
    "Adebanjo-Hart",
    "Bramhope",
    "Castellane",
    "Drummondale",
    "Elsworthy",
    "Fairclough-Penn",
    "Gorsedene",
    "Halloran-Brook",
    "Ibbotsley",
    "Jarrowfield",
    "Kesterton",
    "Lindqvist-Ray",
    "Marrowdene",
    "Nuttingham",
    "Okonkwo-Lane",
    "Pelling",
    "Rookwood-Shaw",
    "Stainmore",
    "Tennery",
    "Ullathorne",
    "Varleigh",
    "Wetherden",
    "Yelland",
    "Zennor-Pike",
)

TRUST = "Northvale NHS Foundation Trust"
CHARITY = "Lanternway Mental Health Charity"
COUNCIL = "Northvale City Council"
UNIVERSITY = "University of Northvale"
ORGANISATIONS = ((TRUST, True), (CHARITY, False), (COUNCIL, False), (UNIVERSITY, False))
EMAIL_DOMAINS = {
    TRUST: "northvale-nhs.example",
    CHARITY: "lanternway.example",
    COUNCIL: "northvale-council.example",
    UNIVERSITY: "northvale-uni.example",
    None: "peer.northvale-college.example",
}

COLLEGE_NAME = "Northvale Recovery College"
COLLEGE_SLUG = "demo"


def login(name, slug=COLLEGE_SLUG):
    """A demo login's username: `admin` in the demo College, `<slug>-admin` in another one
    (`tandem demo --slug`)."""
    return name if slug == COLLEGE_SLUG else f"{slug}-{name}"


# (site, kind, [(room, capacity, step-free access)])
SITES = (
    (
        "Recovery College Hub, Mill Street",
        "hub",
        (
            ("Room 1", 20, True),
            ("Room 2", 14, True),
            ("Studio", 24, True),
            ("Garden Room", 10, False),
        ),
    ),
    (
        "Eastgate Community Centre",
        "community",
        (
            ("Main Hall", 30, True),
            ("Meeting Room", 12, False),
        ),
    ),
    (
        "Riverside Library",
        "community",
        (
            ("Learning Room", 16, True),
            ("Quiet Room", 8, True),
        ),
    ),
)

# Teams a staff tutor works in: (team, employer, pressure on the service 0..1, professions).
# Pressure lowers the chance a line manager releases a tutor (tandem.demo.release).
TEAMS = (
    (
        "Community Mental Health Team North",
        TRUST,
        0.25,
        ("Mental health nurse", "Social worker", "Occupational therapist", "Psychiatrist", "Clinical psychologist"),
    ),
    (
        "Community Mental Health Team South",
        TRUST,
        0.25,
        ("Mental health nurse", "Social worker", "Occupational therapist", "Psychiatrist", "Clinical psychologist"),
    ),
    (
        "Early Intervention in Psychosis",
        TRUST,
        0.15,
        ("Mental health nurse", "Clinical psychologist", "Occupational therapist", "Psychiatrist"),
    ),
    (
        "Psychological Therapies Service",
        TRUST,
        0.10,
        ("Clinical psychologist", "Counselling psychologist", "Cognitive behavioural therapist"),
    ),
    (
        "Acute Inpatient Wards",
        TRUST,
        0.40,
        ("Mental health nurse", "Occupational therapist", "Psychiatrist", "Pharmacist"),
    ),
    ("Crisis Resolution and Home Treatment", TRUST, 0.40, ("Mental health nurse", "Social worker", "Psychiatrist")),
    ("Research and Development", TRUST, 0.05, ("Researcher", "Research manager")),
    (
        "Rehabilitation and Recovery",
        TRUST,
        0.10,
        ("Occupational therapist", "Physiotherapist", "Peer support worker supervisor", "Service manager", "Dietitian"),
    ),
    ("Community Wellbeing Service", CHARITY, 0.10, ("Wellbeing practitioner", "Peer support worker supervisor")),
    ("Adult Social Care", COUNCIL, 0.20, ("Social worker", "Service manager")),
    ("School of Health and Social Care", UNIVERSITY, 0.05, ("Lecturer in mental health nursing", "Researcher")),
)
# Share of Trust staff tutors recruited from each Trust team (same order as TEAMS).
TRUST_TEAM_WEIGHTS = (14, 14, 9, 10, 9, 7, 6, 9)

# The course catalogue: (title, topic, sessions, hours per session, first term, last term, demand).
# First/last term as (season, year); None = from the start / still running.
# Short formats (first offered in summer 2019 as a QI change idea) name the course they shorten.
UNDERSTANDING = "Understanding mental health"
LIVING = "Living well"
RECOVERY = "Recovery and wellbeing"
PRACTICAL = "Practical skills"
INVOLVED = "Getting involved"
PHYSICAL = "Physical health"

CATALOGUE = (
    # title, topic, sessions, hours, first, last, demand
    ("Introduction to mental health", UNDERSTANDING, 1, "2.5", None, None, 3),
    ("Understanding depression", UNDERSTANDING, 6, "2", None, None, 3),
    ("Understanding anxiety", UNDERSTANDING, 4, "2", None, None, 3),
    ("Understanding psychosis", UNDERSTANDING, 8, "2", None, None, 2),
    ("Understanding bipolar", UNDERSTANDING, 6, "2", None, None, 2),
    ("Understanding a personality disorder diagnosis", UNDERSTANDING, 10, "2", None, None, 2),
    ("Understanding trauma", UNDERSTANDING, 6, "2", ("autumn", 2015), None, 3),
    ("Hearing voices: an introduction", UNDERSTANDING, 1, "2", None, None, 2),
    ("Understanding self-harm", UNDERSTANDING, 2, "2", None, None, 2),
    ("Understanding eating difficulties", UNDERSTANDING, 4, "2", ("spring", 2016), None, 1),
    ("Sleep well", LIVING, 1, "2", None, None, 3),
    ("Managing stress", LIVING, 3, "2", None, None, 3),
    ("Mindfulness for beginners", LIVING, 6, "1.5", None, None, 2),
    ("Living with loneliness", LIVING, 4, "2", ("autumn", 2016), None, 2),
    ("Building confidence", LIVING, 5, "2", None, None, 3),
    ("Money and wellbeing", LIVING, 2, "2", None, None, 2),
    ("Supporting someone you care about", LIVING, 5, "2", None, None, 2),
    ("What is recovery?", RECOVERY, 1, "2", None, None, 3),
    ("Planning my wellness", RECOVERY, 8, "2", None, None, 2),
    ("Telling my story", RECOVERY, 4, "2", None, None, 2),
    ("Hope and resilience", RECOVERY, 6, "2", None, None, 2),
    ("Living with medication", RECOVERY, 2, "2", None, None, 2),
    ("Recovery through creativity", RECOVERY, 10, "2", None, None, 1),
    ("Peer support: an introduction", RECOVERY, 1, "2", None, None, 2),
    ("Recovery in later life", RECOVERY, 4, "2", None, ("summer", 2016), 1),
    ("Getting back to work", PRACTICAL, 6, "2.5", None, None, 2),
    ("Volunteering: first steps", PRACTICAL, 1, "2", None, None, 2),
    ("Digital skills for wellbeing", PRACTICAL, 4, "2", ("autumn", 2017), None, 2),
    ("Cooking on a budget", PRACTICAL, 5, "2.5", None, None, 2),
    ("Finding your way round mental health services", PRACTICAL, 2, "2", None, None, 2),
    ("Benefits and your rights", PRACTICAL, 1, "2", None, ("autumn", 2017), 1),
    ("Introduction to co-production", INVOLVED, 1, "2.5", None, None, 2),
    ("Becoming a peer tutor", INVOLVED, 8, "2.5", None, None, 1),
    ("Sharing your story safely", INVOLVED, 3, "2", None, None, 2),
    ("Getting involved in research", INVOLVED, 2, "2", ("spring", 2017), None, 1),
    ("Having your say in services", INVOLVED, 1, "2", None, None, 2),
    ("Healthy eating for mood", PHYSICAL, 3, "2", None, None, 2),
    ("Walking for wellbeing", PHYSICAL, 6, "1.5", None, None, 2),
    ("Physical activity and mood", PHYSICAL, 4, "2", None, None, 2),
    ("Living with a long-term condition", PHYSICAL, 8, "2", ("autumn", 2015), None, 1),
    ("Gentle yoga and relaxation", PHYSICAL, 6, "1.5", None, None, 2),
)

# Shorter formats of long courses, first offered in summer 2019 (a QI change idea): staff are
# released far more readily for one or two sessions than for six to ten.
# (title, topic, sessions, hours, the longer course it condenses)
SHORT_FORMATS = (
    ("Understanding depression: a taster", UNDERSTANDING, 1, "3", "Understanding depression"),
    ("Understanding psychosis: in brief", UNDERSTANDING, 2, "2.5", "Understanding psychosis"),
    ("Planning my wellness: a one-day workshop", RECOVERY, 1, "3", "Planning my wellness"),
    ("Hope and resilience: a taster", RECOVERY, 1, "2.5", "Hope and resilience"),
    ("Getting back to work: in brief", PRACTICAL, 2, "2", "Getting back to work"),
)
SHORT_FORMATS_FROM = ("summer", 2019)

DEMO_PASSWORD = "tandem-demo"
