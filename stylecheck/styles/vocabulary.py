"""The words a prompt uses for each label: data, read by :mod:`stylecheck.styles.prompts`.

Vocabulary decisions (the tables below are :data:`LABEL_WORDS`, :data:`WEAK_WORDS`,
:data:`OPEN_PHRASES`, :data:`IGNORED_PHRASES`; ``stylecheck prompts STYLES.csv`` shows how each
prompt of a file was read):

* **Gender.** woman/women, lady, girl, gal, feminine, female, mother, grandmother, ... -> Female;
  man/men, gentleman, guy, boy, masculine, male, father, grandfather, ... -> Male.
  Pronouns (she/her/hers, he/him/his) are *weak* cues: they decide gender only when no other word
  does, because a prompt like "an old man reading to her" is about a man.
* **Age.** teen, teenage(d), teenager, adolescent, youngster, youth, youthful, young, younger ->
  Teenager: the label set's only younger label is Teenager. girl/boy also mean Teenager, but
  weakly (a girl in her twenties is an adult). adult, adult-like, grown-up, mature, middle-aged ->
  Adult; senior, elderly, old, older, aged, elder -> Senior, which the paper merges into Adult
  (SpeechMLC section 4.1), so they expect Adult unless the label set has its own Senior label.
  Ages in numbers are read too: "a 15-year-old", "aged 40", "in her twenties", "in his late 60s"
  (13-19 Teenager, 20 and over Adult, 60 and over Senior -> Adult).
  *Children are not teenagers*: child, children, kid(s), toddler, baby, preteen, and ages under 13
  leave age open with a warning (a set with a ``Child`` label gets that label instead).
  "young adult" leaves age open: it sits between the two labels.
* **Brightness.** DreamVoice's scale runs from "Very Dark (Rich)" to "Very Bright (Thin)", and
  LibriTTS-P pairs thick/thin, so: dark, deep, rich, thick -> Dark; bright, thin, shrill ->
  Bright. Pitch words ("low-pitched", "high pitch") are not brightness: they go to the measured
  ``pitch`` category (:mod:`stylecheck.styles.attribute_words`), which reads them first and masks
  them from this parser. "deep" stays timbre.
  *Not mapped*: clear and muffled (clarity, not brightness), warm (a DreamVoice keyword of its
  own), light (too many other senses).
* **Roughness.** DreamVoice's scale runs from "Rough (Raspy)" to "Smooth (Mellow)": rough, raspy,
  rasp, hoarse, gravelly, husky, gruff, harsh, scratchy, croaky -> Rough; smooth, silky, mellow,
  velvety, soft -> Smooth (LibriTTS-P pairs raspy with soft). *Not mapped*: breathy (breathiness
  is air in the voice, not the irregular vibration that makes it rough), and loudness words such as
  softly or soft-spoken.
* **Words about something else** are absorbed so they do not count: "thick accent",
  "old-fashioned", "deep breath", "dark humour", and idioms that are not negations: "not only",
  "not just", "without a doubt", "no matter", ...

"""
from __future__ import annotations

# --------------------------------------------------------------------------------------------
# Vocabulary (data). Phrases are written as normalised text: lower case, hyphens as spaces.
# --------------------------------------------------------------------------------------------

#: Words and phrases that name a label. Keys are label names; Senior and Child are not in the
#: paper's set and are mapped through :data:`FALLBACKS` / :data:`OPEN_FALLBACKS`. A phrase may
#: stand under several labels ("grandmother" is Female and Senior).
LABEL_WORDS: dict[str, tuple[str, ...]] = {
    "Female": (
        "female", "females", "feminine", "woman", "women", "womanly", "lady", "ladies", "girl",
        "girls", "gal", "schoolgirl", "mother", "mom", "mum", "grandmother", "grandma", "granny",
        "wife", "sister", "daughter", "aunt", "queen", "princess", "madam",
    ),
    "Male": (
        "male", "males", "masculine", "man", "men", "manly", "gentleman", "gentlemen", "guy", "guys",
        "boy", "boys", "schoolboy", "dude", "father", "dad", "grandfather", "grandpa", "husband",
        "brother", "son", "uncle", "king", "prince", "sir",
    ),
    "Teenager": (
        "teen", "teens", "teenage", "teenaged", "teenager", "teenagers", "adolescent",
        "adolescents", "youngster", "youngsters", "youth", "youthful", "young", "younger",
        "juvenile",
    ),
    "Adult": (
        "adult", "adults", "adult like", "grown up", "grownup", "mature", "middle aged",
        "middle age",
    ),
    "Senior": (
        "senior", "seniors", "elderly", "old", "older", "aged", "aging", "ageing", "elder",
        "elders", "grandmother", "grandma", "granny", "grandfather", "grandpa",
    ),
    "Child": ("child", "children", "kid", "kids", "toddler", "baby", "preteen", "little kid"),
    "Dark": (
        "dark", "darker", "darkness", "deep", "deeper", "depth", "rich", "richer", "richness", "thick",
    ),
    "Bright": (
        "bright", "brighter", "brightness", "thin", "thinner", "shrill",
    ),
    "Rough": (
        "rough", "rougher", "roughness", "raspy", "raspier", "raspiness", "rasp", "rasping",
        "hoarse", "hoarser", "hoarseness", "gravelly", "gravel", "husky", "huskier", "huskiness",
        "gruff", "gruffness", "harsh", "harsher", "harshness", "scratchy", "croaky",
    ),
    "Smooth": (
        "smooth", "smoother", "smoothness", "silky", "silken", "mellow", "mellower", "velvety",
        "velvet", "soft", "softer",
    ),
}

#: Weak cues: they decide a category only when no other word of the prompt does.
WEAK_WORDS: dict[str, tuple[str, ...]] = {
    "Female": ("she", "her", "hers", "herself"),
    "Male": ("he", "him", "his", "himself"),
    "Teenager": ("girl", "girls", "boy", "boys", "schoolgirl", "schoolboy"),
}

#: A word for a label the label set lacks means this label instead (the paper merges senior into
#: adult, SpeechMLC section 4.1).
FALLBACKS: dict[str, str] = {"Senior": "Adult"}

#: A word for a label the label set lacks leaves the category of these labels open, with a
#: warning: a child's voice is neither a teenager's nor an adult's.
OPEN_FALLBACKS: dict[str, tuple[str, ...]] = {"Child": ("Adult", "Teenager")}

#: Phrases that deliberately leave the category of these labels open.
OPEN_PHRASES: dict[str, tuple[str, ...]] = {
    **{p: ("Female", "Male") for p in (
        "gender neutral", "neutral gender", "androgynous", "androgyne", "gender ambiguous",
        "ambiguous gender", "ambiguously gendered", "non binary", "nonbinary", "genderless",
        "agender", "gender fluid", "genderfluid", "unisex", "either gender", "any gender",
        "unspecified gender", "gender unspecified", "s/he",
    )},
    **{p: ("Adult", "Teenager") for p in (
        "young adult", "young adults", "any age", "ageless", "indeterminate age",
        "unspecified age", "age unspecified", "ambiguous age",
    )},
}

#: Phrases that contain a label word but are about something else; matched so they do not count.
IGNORED_PHRASES: dict[str, str] = {
    **{p: "about an accent, not the voice" for p in (
        "thick accent", "heavy accent", "rich accent", "deep accent", "deep south", "deep southern",
    )},
    **{p: "about the content or manner, not the voice" for p in (
        "old fashioned", "old school", "old time", "old timey", "old world", "dark humor",
        "dark humour", "dark comedy", "deep breath", "deep breaths", "deep thought",
        "deep in thought", "deeply", "soft spoken", "softly spoken", "softly", "young at heart",
    )},
    **{p: "not a negation" for p in (
        "not only", "not just", "not merely", "without a doubt", "without doubt", "no doubt",
        "without question", "no question", "no matter",
    )},
    **{p: "not mapped: clarity is not brightness" for p in ("clear", "clearer", "muffled")},
    "warm": "not mapped: warmth is its own DreamVoice keyword, not darkness",
    "warmer": "not mapped: warmth is its own DreamVoice keyword, not darkness",
    "light": "not mapped: too many other senses",
    **{p: "not mapped: breathiness is not roughness" for p in ("breathy", "breathiness", "airy")},
}

#: Words that negate the next label word (see the module docstring).
NEGATORS: tuple[str, ...] = (
    "not", "no", "never", "without", "neither", "nor", "non", "lacking", "lacks", "lack", "free of",
    "devoid of",
)

#: How many words may stand between a negator and the label word it negates.
NEGATION_REACH = 4

#: Tokens that end a clause: negation and "or"-alternatives do not cross them.
CLAUSE_BREAKS: frozenset[str] = frozenset(
    {".", ",", ";", ":", "!", "?", "(", ")", "but", "and", "yet", "though", "although", "while",
     "whereas", "however", "instead", "with"}
)
#: Connectives that carry a negation on to the next label word of any label.
NEGATION_CARRIERS: frozenset[str] = frozenset({"or", "/"})
#: Connectives that carry a negation on only to another word for the same label.
SAME_LABEL_CARRIERS: frozenset[str] = frozenset({"and", ","})
#: Words skipped when looking for a connective between two negated words ("not rough or too dark").
FILLER_WORDS: frozenset[str] = frozenset({"a", "an", "the", "any", "too", "very", "at", "all", "overly"})
#: Connectives that make two labels of one category alternatives ("male or female").
ALTERNATIVES: frozenset[str] = frozenset({"or", "/"})

DECADES = {
    "teens": 13, "twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60,
    "seventies": 70, "eighties": 80, "nineties": 90,
}
#: Ages (years) where a number stops meaning Child, Teenager and Adult.
AGE_TEEN, AGE_ADULT, AGE_SENIOR = 13, 20, 60
