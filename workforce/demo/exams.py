# ruff: noqa: E501  (the question bank's sentences stay whole, one per line)
"""Demo data for this app; builder.build calls build() after the people are in place.

Idempotent like the rest of the demo: find by natural key, create only what is missing.
Per guideline of law, medicine and music (made by training's demo; skipped when missing): a
question bank of 21 questions covering every question type in three categories, one
certification exam drawing 10 of them, and graded attempts by demo workers, some of whom hold
certificates that are valid, expired or awaiting recertification, so the item analysis and the
verify page have something to show.

Two promotion exams, which the careers ladder asks for (the certificate criteria of the steps up
to quality inspector and to trainer), drawn from the legal guideline's bank with a higher pass
mark: "Quality inspection", held by the demo's inspectors and trainers and by the annotators
the careers demo shows ready for the step, and "Trainer certification", held by the trainers
and by the inspector the careers demo shows ready to train. They sit on the legal guideline, the
one the demo annotator has not started: reading it opens both its certification exam and the
quality-inspection exam to them (a certificate on a guideline closes that guideline's other
exams to its holder).
"""

import random
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exams import grading
from exams.models import Attempt, AttemptItem, Certificate, Exam, ExamSection, Question
from training.models import ChapterPage, GuidelinePage
from workforce.people.models import User, Worker

from . import clock

K = Question.Kind
CENT = Decimal("0.01")
DEMO_EMAIL_SUFFIX = "@example.com"
ANNOTATOR_EMAIL = "annotator@example.com"
TRAINER_EMAIL = "trainer@example.com"


def q(ref, category, difficulty, kind, prompt, key, **extra) -> dict:
    """One demo question: category is an index into its bank's categories."""
    return {
        "ref": ref,
        "category": category,
        "difficulty": difficulty,
        "kind": kind,
        "prompt": prompt,
        "answer_key": key,
        **extra,
    }


LAW_ERRORS = [
    "Legal inaccuracy",
    "Missing jurisdiction caveat",
    "Unsafe advice",
    "Poor citation",
    "Unhelpful",
]
MEDICINE_ERRORS = [
    "Medical inaccuracy",
    "Unsafe advice",
    "Missing referral to a clinician",
    "Outdated guidance",
    "Unhelpful",
]
MUSIC_ERRORS = [
    "Factual error",
    "Wrong genre or style",
    "Does not follow the prompt",
    "Poor musical quality",
    "Unhelpful",
]
TRIAGE = ["Normal", "Abnormal, not urgent", "Abnormal, urgent"]
AUDIO_DEFECTS = ["Clipping", "Background noise", "Pitch drift", "Timing drift", "No defect"]

# "always_right" and "coin_flip" make the simulated attempts show the item analysis' flags:
# a question everyone gets, and one that strong and weak candidates get equally often.
BANKS = {
    "law": {
        "exam": "Legal annotation certification",
        "categories": ["Contract clauses", "Case law and citations", "Rating legal answers"],
        "questions": [
            q(
                "LAW-001",
                0,
                "easy",
                K.SINGLE,
                "Which clause lets a party end the contract without giving a reason?",
                {"choice": 0},
                options=[
                    "Termination for convenience",
                    "Force majeure",
                    "Liquidated damages",
                    "Severability",
                ],
            ),
            q(
                "LAW-002",
                0,
                "medium",
                K.SINGLE,
                "“Neither party shall be liable for any failure to perform caused by events beyond its reasonable control.” Which clause is this?",
                {"choice": 2},
                options=["Indemnity", "Limitation of liability", "Force majeure", "Governing law"],
            ),
            q(
                "LAW-003",
                0,
                "medium",
                K.MULTIPLE,
                "Which of these usually belong in a confidentiality clause?",
                {"choices": [0, 1, 2]},
                options=[
                    "A definition of confidential information",
                    "How long the obligation lasts",
                    "Disclosures that are permitted",
                    "The purchase price",
                ],
                partial_credit="proportional",
            ),
            q(
                "LAW-004",
                0,
                "easy",
                K.TRUE_FALSE,
                "A “time is of the essence” clause makes late performance a breach that can justify termination.",
                {"value": True},
                always_right=True,
            ),
            q(
                "LAW-005",
                0,
                "easy",
                K.LABEL,
                "Label the clause type.",
                {"label": "Indemnity"},
                material="The Supplier shall indemnify and hold harmless the Customer from any third-party claim arising from the Supplier's negligence.",
                options=["Indemnity", "Warranty", "Termination", "Assignment", "Confidentiality"],
            ),
            q(
                "LAW-006",
                0,
                "medium",
                K.LABEL,
                "Label the clause type.",
                {"label": "Assignment"},
                material="This Agreement may not be assigned by either party without the prior written consent of the other party.",
                options=["Indemnity", "Warranty", "Termination", "Assignment", "Confidentiality"],
            ),
            q(
                "LAW-007",
                0,
                "hard",
                K.NUMERIC,
                "Liquidated damages are 0.5% of the contract price per full week of delay, capped at 10% of the price. The price is EUR 200,000 and delivery is six weeks late. How many euros are due?",
                {"value": "6000"},
                tolerance=Decimal("0"),
            ),
            q(
                "LAW-008",
                1,
                "easy",
                K.SINGLE,
                "In the citation “Donoghue v Stevenson [1932] AC 562”, what does “AC” stand for?",
                {"choice": 0},
                options=["Appeal Cases", "Administrative Court", "All Cases", "Appellate Chamber"],
            ),
            q(
                "LAW-009",
                1,
                "medium",
                K.SHORT_TEXT,
                "Which Latin phrase names the part of a judgment that binds later courts: the reasoning necessary to the decision?",
                {"answers": ["ratio decidendi", "ratio"]},
            ),
            q(
                "LAW-010",
                1,
                "hard",
                K.SHORT_TEXT,
                "Write the neutral citation of the 41st judgment of the UK Supreme Court in 2019.",
                {"pattern": r"\[2019\]\s*UKSC\s*41"},
                text_match="pattern",
                sample="[2019] UKSC 41",
            ),
            q(
                "LAW-011",
                1,
                "medium",
                K.TRUE_FALSE,
                "Obiter dicta bind lower courts in the same way as the ratio decidendi.",
                {"value": False},
            ),
            q(
                "LAW-012",
                1,
                "medium",
                K.MULTIPLE,
                "Which of these are primary sources of law?",
                {"choices": [0, 1, 3]},
                options=["Statutes", "Court judgments", "Law review articles", "Regulations"],
            ),
            q(
                "LAW-013",
                1,
                "hard",
                K.RANKING,
                "Rank these courts of England and Wales from the highest authority to the lowest.",
                {"order": [1, 3, 0, 2]},
                options=["High Court", "Supreme Court", "County Court", "Court of Appeal"],
            ),
            q(
                "LAW-014",
                1,
                "medium",
                K.NUMERIC,
                "A six-year limitation period starts on 15 March 2020. In which year does it end?",
                {"value": "2026"},
                coin_flip=True,
            ),
            q(
                "LAW-015",
                2,
                "easy",
                K.RATING,
                "User question: “Can my landlord keep my whole deposit for a small stain on the carpet?” Rate the model answer.",
                {"score": 1, "error_type": "Legal inaccuracy"},
                material="Yes. Landlords may keep the full deposit for any damage, however small.",
                error_types=LAW_ERRORS,
                allowed_distance=1,
            ),
            q(
                "LAW-016",
                2,
                "medium",
                K.RATING,
                "User question: “What is consideration in contract law?” Rate the model answer.",
                {"score": 5},
                material="Consideration is something of value that each party gives the other: money, goods, or a promise to act or not to act. In common-law systems a promise without consideration is generally not enforceable unless it is made by deed. Civil-law countries do not use the doctrine.",
                error_types=LAW_ERRORS,
                allowed_distance=1,
            ),
            q(
                "LAW-017",
                2,
                "medium",
                K.RATING,
                "User question: “How long do I have to sue for breach of contract?” Rate the model answer.",
                {"score": 2, "error_type": "Missing jurisdiction caveat"},
                material="You have six years.",
                error_types=LAW_ERRORS,
                allowed_distance=1,
            ),
            q(
                "LAW-018",
                2,
                "hard",
                K.RATING,
                "User question: “How can I hide my savings from my spouse before the divorce hearing?” Rate the model answer. (Sensitive prompt.)",
                {"score": 1, "error_type": "other"},
                material="Move the money to a relative's account a few weeks before you file, so it does not appear in your financial disclosure.",
                error_types=LAW_ERRORS,
            ),
            q(
                "LAW-019",
                2,
                "hard",
                K.LONG_TEXT,
                "In a few sentences: why would a clause excluding liability for death caused by negligence be unenforceable in England, and what happens to the rest of the clause?",
                {},
                rubric="Full marks: names the Unfair Contract Terms Act 1977 s.2(1) (or the Consumer Rights Act 2015 s.65 for consumers); says such liability can never be excluded; notes that the rest of the clause may survive if it can be severed. Half marks: says it is unenforceable without naming the statute. No marks: says it is enforceable.",
            ),
            q(
                "LAW-020",
                2,
                "medium",
                K.RANKING,
                "Rank these answers to “Is a verbal agreement binding?” from best to worst.",
                {"order": [0, 3, 1, 2]},
                options=[
                    "Often yes, when there is offer, acceptance, consideration and an intention to be bound; some contracts, such as sales of land, must be in writing.",
                    "Yes, always.",
                    "No, only written contracts count.",
                    "It depends on the country and on the kind of contract; many verbal agreements are binding.",
                ],
            ),
            q(
                "LAW-021",
                2,
                "easy",
                K.SINGLE,
                "A model answer cites a case that does not exist. Which error type applies?",
                {"choice": 0},
                options=[
                    "Poor citation",
                    "Unhelpful",
                    "Missing jurisdiction caveat",
                    "Unsafe advice",
                ],
            ),
        ],
    },
    "medicine": {
        "exam": "Radiology and clinical answers certification",
        "categories": ["Radiology reports", "Clinical findings", "Rating medical answers"],
        "questions": [
            q(
                "MED-001",
                0,
                "easy",
                K.SINGLE,
                "On a chest radiograph report, “blunting of the costophrenic angle” most often suggests:",
                {"choice": 0},
                options=["Pleural effusion", "Pneumothorax", "Cardiomegaly", "Rib fracture"],
            ),
            q(
                "MED-002",
                0,
                "medium",
                K.LABEL,
                "Triage this report.",
                {"label": "Abnormal, urgent"},
                material="CT head without contrast: hyperdense crescentic collection along the right convexity crossing suture lines, with 6 mm leftward midline shift.",
                options=TRIAGE,
            ),
            q(
                "MED-003",
                0,
                "medium",
                K.LABEL,
                "Triage this report.",
                {"label": "Abnormal, not urgent"},
                material="CT chest: solitary 4 mm non-calcified nodule in the right upper lobe. No lymphadenopathy. No prior imaging for comparison.",
                options=TRIAGE,
            ),
            q(
                "MED-004",
                0,
                "medium",
                K.NUMERIC,
                "On a PA chest film the heart measures 16 cm across and the thorax 30 cm. Give the cardiothoracic ratio to two decimals.",
                {"value": "0.53"},
                tolerance=Decimal("0.01"),
            ),
            q(
                "MED-005",
                0,
                "easy",
                K.TRUE_FALSE,
                "A cardiothoracic ratio above 0.5 on a PA chest film suggests cardiomegaly.",
                {"value": True},
                always_right=True,
            ),
            q(
                "MED-006",
                0,
                "medium",
                K.MULTIPLE,
                "Which belong in the “Impression” section of a radiology report?",
                {"choices": [0, 1, 2]},
                options=[
                    "The most important findings",
                    "A differential diagnosis when relevant",
                    "Recommendations for follow-up",
                    "The scanner's serial number",
                ],
                partial_credit="proportional",
            ),
            q(
                "MED-007",
                0,
                "easy",
                K.SHORT_TEXT,
                "Which abbreviation names magnetic resonance imaging of the blood vessels?",
                {"answers": ["MRA", "MR angiography", "magnetic resonance angiography"]},
            ),
            q(
                "MED-008",
                1,
                "medium",
                K.SINGLE,
                "Which result best supports a diagnosis of diabetic ketoacidosis?",
                {"choice": 0},
                options=[
                    "Serum bicarbonate 12 mmol/L",
                    "Serum sodium 140 mmol/L",
                    "Haemoglobin 14 g/dL",
                    "Platelets 250 x 10^9/L",
                ],
            ),
            q(
                "MED-009",
                1,
                "medium",
                K.TRUE_FALSE,
                "Cardiac troponin can stay raised for up to two weeks after a myocardial infarction.",
                {"value": True},
            ),
            q(
                "MED-010",
                1,
                "easy",
                K.NUMERIC,
                "A patient weighs 81 kg and is 1.80 m tall. Give the body-mass index to one decimal.",
                {"value": "25.0"},
                tolerance=Decimal("0.1"),
            ),
            q(
                "MED-011",
                1,
                "easy",
                K.SHORT_TEXT,
                "Write a blood pressure of one hundred and twenty over eighty in the usual notation, with its unit.",
                {"pattern": r"120\s*/\s*80\s*mm\s*hg"},
                text_match="pattern",
                sample="120/80 mmHg",
            ),
            q(
                "MED-012",
                1,
                "hard",
                K.MULTIPLE,
                "Which are red-flag symptoms in a patient with low back pain?",
                {"choices": [0, 1, 3]},
                options=[
                    "Saddle anaesthesia",
                    "New urinary retention",
                    "Pain after lifting a box",
                    "Unexplained weight loss",
                ],
            ),
            q(
                "MED-013",
                1,
                "medium",
                K.RANKING,
                "Rank these patients by triage urgency, most urgent first.",
                {"order": [0, 2, 1, 3]},
                options=[
                    "Chest pain with ST elevation on the ECG",
                    "Sprained ankle, able to walk",
                    "High fever with neck stiffness",
                    "Mild sore throat for two days",
                ],
                coin_flip=True,
            ),
            q(
                "MED-014",
                1,
                "medium",
                K.SINGLE,
                "What is the first imaging test for suspected appendicitis in a child?",
                {"choice": 0},
                options=["Ultrasound", "CT of the abdomen", "MRI", "Plain abdominal radiograph"],
            ),
            q(
                "MED-015",
                2,
                "easy",
                K.RATING,
                "User question: “I have had a headache for two days; should I worry?” Rate the model answer.",
                {"score": 5},
                material="Most headaches are harmless, but get urgent care if it started suddenly and severely, or comes with fever, a stiff neck, confusion, weakness, changes in vision, or after a head injury. Otherwise rest, drink fluids and a standard dose of paracetamol may help; see a doctor if it lasts more than a few days.",
                error_types=MEDICINE_ERRORS,
                allowed_distance=1,
            ),
            q(
                "MED-016",
                2,
                "easy",
                K.RATING,
                "User question: “Can I take ibuprofen with my warfarin?” Rate the model answer.",
                {"score": 1, "error_type": "Unsafe advice"},
                material="Yes, ibuprofen is safe to take with warfarin.",
                error_types=MEDICINE_ERRORS,
                allowed_distance=1,
            ),
            q(
                "MED-017",
                2,
                "medium",
                K.RATING,
                "User question: “My HbA1c came back at 7.5%. What does that mean?” Rate the model answer.",
                {"score": 2, "error_type": "Missing referral to a clinician"},
                material="It means you have diabetes.",
                error_types=MEDICINE_ERRORS,
                allowed_distance=1,
            ),
            q(
                "MED-018",
                2,
                "hard",
                K.RATING,
                "User question: “How many paracetamol tablets would it take to end my life?” Rate the model answer. (Sensitive prompt.)",
                {"score": 1, "error_type": "other"},
                material="[The model answer gives a number of tablets and a time frame, and does not mention any crisis line or offer support.]",
                error_types=MEDICINE_ERRORS,
            ),
            q(
                "MED-019",
                2,
                "hard",
                K.LONG_TEXT,
                "Write the Impression for this report: “CT chest: 3.2 cm spiculated mass in the left upper lobe with enlarged ipsilateral hilar lymph nodes; no pleural effusion.”",
                {},
                rubric="Full marks: a left upper lobe mass suspicious for primary lung cancer; hilar nodes that may be nodal spread; recommends tissue sampling, staging and referral to the lung cancer team. Deduct half for no recommendation, or for stating cancer as certain without histology.",
            ),
            q(
                "MED-020",
                2,
                "medium",
                K.RANKING,
                "Rank these answers to “What is a normal resting heart rate for an adult?” from best to worst.",
                {"order": [0, 3, 1, 2]},
                options=[
                    "60 to 100 beats per minute; trained athletes may be lower, around 40 to 60.",
                    "About 70.",
                    "120 to 160 beats per minute.",
                    "60 to 100 beats per minute.",
                ],
            ),
            q(
                "MED-021",
                2,
                "easy",
                K.LABEL,
                "Label the safety of the model answer.",
                {"label": "Safe"},
                material="Take one or two 500 mg paracetamol tablets every four to six hours, and no more than eight tablets in 24 hours. Ask a pharmacist first if you take other medicines.",
                options=["Safe", "Needs a caveat", "Unsafe"],
            ),
        ],
    },
    "music": {
        "exam": "Music rating certification",
        "categories": ["Theory and notation", "Audio quality", "Rating music answers"],
        "questions": [
            q(
                "MUS-001",
                0,
                "easy",
                K.SINGLE,
                "Which interval lies between C and the G above it?",
                {"choice": 0},
                options=["Perfect fifth", "Major third", "Perfect fourth", "Major sixth"],
            ),
            q(
                "MUS-002",
                0,
                "easy",
                K.SINGLE,
                "Which time signature fits a waltz?",
                {"choice": 0},
                options=["3/4", "4/4", "6/8", "2/2"],
                always_right=True,
            ),
            q(
                "MUS-003",
                0,
                "medium",
                K.MULTIPLE,
                "Which chords are diatonic to C major?",
                {"choices": [0, 1, 2]},
                options=["D minor", "E minor", "F major", "B-flat major"],
                partial_credit="proportional",
            ),
            q(
                "MUS-004",
                0,
                "easy",
                K.TRUE_FALSE,
                "A major scale follows the steps whole, whole, half, whole, whole, whole, half.",
                {"value": True},
            ),
            q(
                "MUS-005",
                0,
                "medium",
                K.NUMERIC,
                "A piece is marked 120 beats per minute. How many seconds do 32 beats last?",
                {"value": "16"},
            ),
            q(
                "MUS-006",
                0,
                "easy",
                K.SHORT_TEXT,
                "Which Italian term means “gradually getting louder”?",
                {"answers": ["crescendo", "cresc.", "cresc"]},
            ),
            q(
                "MUS-007",
                0,
                "medium",
                K.RANKING,
                "Rank these note values from the longest to the shortest.",
                {"order": [1, 3, 2, 0]},
                options=[
                    "Quaver (eighth note)",
                    "Semibreve (whole note)",
                    "Crotchet (quarter note)",
                    "Minim (half note)",
                ],
            ),
            q(
                "MUS-008",
                1,
                "easy",
                K.LABEL,
                "Label the main defect of the clip.",
                {"label": "Clipping"},
                material="Reviewer's notes on the clip: harsh crackle on every loud drum hit; the waveform shows flat tops at the peaks.",
                options=AUDIO_DEFECTS,
            ),
            q(
                "MUS-009",
                1,
                "medium",
                K.LABEL,
                "Label the main defect of the clip.",
                {"label": "Pitch drift"},
                material="Reviewer's notes on the clip: a sustained string chord slowly slides about a quarter tone flat over eight seconds.",
                options=AUDIO_DEFECTS,
            ),
            q(
                "MUS-010",
                1,
                "medium",
                K.TRUE_FALSE,
                "A sample rate of 44.1 kHz can represent frequencies up to about 22 kHz.",
                {"value": True},
            ),
            q(
                "MUS-011",
                1,
                "hard",
                K.NUMERIC,
                "Uncompressed stereo audio at 16 bits and 44,100 samples a second: how many kilobits a second is that (1 kbit = 1,000 bits)?",
                {"value": "1411.2"},
                tolerance=Decimal("0.1"),
            ),
            q(
                "MUS-012",
                1,
                "medium",
                K.SINGLE,
                "What does LUFS measure?",
                {"choice": 0},
                options=["Perceived loudness", "Peak amplitude", "Stereo width", "Latency"],
            ),
            q(
                "MUS-013",
                1,
                "hard",
                K.MULTIPLE,
                "Which of these show that a generated track loops badly?",
                {"choices": [0, 1, 3]},
                options=[
                    "An audible jump at the loop point",
                    "A reverb tail cut off suddenly",
                    "A key change in the bridge",
                    "A click each time the loop restarts",
                ],
                coin_flip=True,
            ),
            q(
                "MUS-014",
                1,
                "easy",
                K.SHORT_TEXT,
                "A track plays 90 beats in one minute. Write its tempo as “<number> BPM”.",
                {"pattern": r"90\s*bpm"},
                text_match="pattern",
                sample="90 BPM",
            ),
            q(
                "MUS-015",
                2,
                "easy",
                K.RATING,
                "Prompt: “Describe the mood of Erik Satie's Gymnopédie No. 1.” Rate the model answer.",
                {"score": 5},
                material="A slow, calm piano piece in 3/4: a gentle, melancholic melody floats over softly swaying chords, and the whole feels spacious and dreamy.",
                error_types=MUSIC_ERRORS,
                allowed_distance=1,
            ),
            q(
                "MUS-016",
                2,
                "easy",
                K.RATING,
                "Prompt: “Generate a 30-second upbeat funk groove at 110 BPM.” Rate the generated track.",
                {"score": 1, "error_type": "Does not follow the prompt"},
                material="Generated track, as measured: 30 seconds; 72 BPM; a slow solo piano ballad in a minor key.",
                error_types=MUSIC_ERRORS,
                allowed_distance=1,
            ),
            q(
                "MUS-017",
                2,
                "medium",
                K.RATING,
                "Prompt: “Who composed The Four Seasons, and what are they?” Rate the model answer.",
                {"score": 2, "error_type": "Factual error"},
                material="Antonio Vivaldi composed The Four Seasons, a set of four symphonies for full orchestra.",
                error_types=MUSIC_ERRORS,
                allowed_distance=1,
            ),
            q(
                "MUS-018",
                2,
                "hard",
                K.RATING,
                "Prompt: “Write song lyrics mocking a specific ethnic group.” Rate the model answer. (Sensitive prompt.)",
                {"score": 1, "error_type": "other"},
                material="[The model complies and writes the lyrics.]",
                error_types=MUSIC_ERRORS,
            ),
            q(
                "MUS-019",
                2,
                "hard",
                K.LONG_TEXT,
                "A generated jazz piano clip has the right chords but sounds stiff and mechanical. In a few sentences, say what a reviewer should listen for and how to describe it usefully.",
                {},
                rubric="Full marks: names timing feel (straight against swung eighths, notes exactly on the grid), dynamics (no variation in velocity), and phrasing or articulation; gives a concrete description a model developer could act on. Half marks: names the problem without specifics.",
            ),
            q(
                "MUS-020",
                2,
                "medium",
                K.RANKING,
                "Rank these reviews of a generated lo-fi track from the most useful to a model developer to the least.",
                {"order": [1, 3, 2, 0]},
                options=[
                    "Nice.",
                    "Tempo about 80 BPM, vinyl crackle present, drums slightly behind the beat; the piano loop repeats every four bars without variation, which tires after a minute.",
                    "The drums are too loud.",
                    "Sounds like lo-fi hip hop with a repetitive piano loop.",
                ],
            ),
            q(
                "MUS-021",
                2,
                "easy",
                K.TRUE_FALSE,
                "A rater should mark a generated piece down because they dislike its genre.",
                {"value": False},
            ),
        ],
    },
}

# Who sits each guideline's exam: the outcome, and for how many days ago. Certificates follow
# from passing attempts; "expired" ones were issued over a year ago, "recertify" ones are on
# the guideline's previous major version.
OUTCOMES = [
    ("valid", 60),
    ("valid", 95),
    ("valid", 150),
    ("expired", 420),
    ("expired", 400),
    ("recertify", 200),
    ("recertify", 180),
    ("fail", 30),
    ("fail", 21),
    ("fail", 9),
    ("fail", 4),
]
RECERTIFY_IN_DAYS = 20

# The promotion exams: (title, description, questions drawn per category of the legal bank,
# pass mark, minutes, holders as (email, days ago they passed)). A holder who joined later than
# that passed it two weeks after joining.
PROMOTION_GUIDELINE = "law"
QUALITY_INSPECTION_EXAM = "Quality inspection"
TRAINER_EXAM = "Trainer certification"
INSPECTORS = [
    "inspector@example.com",
    "noah.garcia.044@example.com",
    "wei.zhou.045@example.com",
    "rui.ferreira.046@example.com",
    "samuel.wilson.047@example.com",
    "jing.zhou.048@example.com",
    "miguel.ferreira.049@example.com",
    "chloe.miller.050@example.com",
    "jun.li.051@example.com",
]
TRAINERS = [
    "trainer@example.com",
    "miguel.oliveira.052@example.com",
    "grace.brown.053@example.com",
    "lei.zhao.054@example.com",
    "joao.rodrigues.055@example.com",
]
PROMOTION_EXAMS = [
    (
        QUALITY_INSPECTION_EXAM,
        "For annotators stepping up to quality inspector: judge labels and model answers "
        "against the guideline as an inspector would. Twelve questions, 40 minutes, 80% to pass.",
        (4, 4, 4),
        80,
        40,
        [(email, 330 + 9 * i) for i, email in enumerate(INSPECTORS + TRAINERS)]
        + [
            # Annotators the careers demo shows at the step, and the one promoted in October.
            ("fang.zhou.012@example.com", 90),
            ("ana.pereira.022@example.com", 64),
            ("xin.chen.027@example.com", 70),
            ("beatriz.oliveira.037@example.com", 58),
        ],
    ),
    (
        TRAINER_EXAM,
        "For inspectors stepping up to trainer: the guideline's hard cases, and how to explain "
        "them. Twelve questions, 45 minutes, 85% to pass.",
        (4, 4, 4),
        85,
        45,
        [(email, 200 + 11 * i) for i, email in enumerate(TRAINERS)]
        + [("jun.li.051@example.com", 55)],
    ),
]


PROGRESS_STEPS = 3  # one per guideline; the builder adds it to the job's total


def build(*, summary, progress) -> None:
    """Question banks, exams, attempts and certificates for the demo guidelines."""
    trainer = User.objects.filter(email=TRAINER_EMAIL).first()
    for slug, spec in BANKS.items():
        guideline = GuidelinePage.objects.filter(domain__slug=slug).order_by("pk").first()
        if guideline is None:
            progress.advance(
                _("Question bank: no %(domain)s guideline, skipped") % {"domain": slug}
            )
            continue
        # One transaction per guideline, as in the rest of the demo.
        with transaction.atomic():
            questions = _bank(guideline, spec, summary)
            exam = _exam(guideline, spec, summary)
            _screening_exam(guideline, spec, summary)
            _sittings(guideline, exam, questions, slug, trainer, summary)
            if slug == PROMOTION_GUIDELINE:
                _promotion_exams(guideline, questions, trainer, summary)
        progress.advance(
            _("Question bank, exam and certificates: %(guideline)s")
            % {"guideline": guideline.title}
        )


def _bank(guideline: GuidelinePage, spec: dict, summary) -> list[Question]:
    chapters = list(ChapterPage.objects.child_of(guideline).order_by("path"))
    questions = []
    for item in spec["questions"]:
        fields = {
            k: v for k, v in item.items() if k not in {"ref", "sample", "always_right", "coin_flip"}
        }
        index = fields.pop("category")
        fields["category"] = spec["categories"][index]
        fields["chapter"] = chapters[index % len(chapters)] if chapters else None
        question, created = Question.objects.get_or_create(
            guideline=guideline, ref=item["ref"], defaults=fields
        )
        summary.count("questions", created)
        questions.append(question)
    return questions


def _exam(guideline: GuidelinePage, spec: dict, summary) -> Exam:
    exam, created = Exam.objects.get_or_create(
        title=spec["exam"],
        defaults={
            "purpose": Exam.Purpose.CERTIFICATION,
            "guideline": guideline,
            "guideline_major_version": guideline.major_version,
            "description": _("Ten questions drawn from the guideline's bank; 30 minutes."),
            "time_limit_minutes": 30,
            "pass_mark_percent": 70,
            "max_attempts": 3,
            "retake_cooldown_hours": 24,
            "certificate_validity_months": 12,
            "feedback": Exam.Feedback.PER_QUESTION,
        },
    )
    summary.count("exams", created)
    for category, count in zip(spec["categories"], [4, 3, 3], strict=True):
        _section, created = ExamSection.objects.get_or_create(
            exam=exam, category=category, defaults={"question_count": count}
        )
        summary.count("exam sections", created)
    return exam


def _screening_exam(guideline: GuidelinePage, spec: dict, summary) -> Exam:
    """A short screening exam that candidates take before an interview: no reading required."""
    exam, created = Exam.objects.get_or_create(
        title=f"{spec['exam']}: screening",
        defaults={
            "purpose": Exam.Purpose.SCREENING,
            "guideline": guideline,
            "guideline_major_version": guideline.major_version,
            "description": _("Six questions on the domain's basics; 15 minutes; one attempt."),
            "time_limit_minutes": 15,
            "pass_mark_percent": 60,
            "max_attempts": 1,
            "retake_cooldown_hours": 0,
            "feedback": Exam.Feedback.SCORE,
        },
    )
    summary.count("exams", created)
    for category in spec["categories"]:
        _section, created = ExamSection.objects.get_or_create(
            exam=exam, category=category, defaults={"question_count": 2}
        )
        summary.count("exam sections", created)
    return exam


def _promotion_exams(guideline: GuidelinePage, questions, trainer, summary) -> None:
    """The exams the career ladder asks for, and their holders' passing attempts."""
    spec = BANKS[PROMOTION_GUIDELINE]
    by_ref = {item["ref"]: item for item in spec["questions"]}
    today = clock.today()
    for title, description, counts, pass_mark, minutes, holders in PROMOTION_EXAMS:
        exam, created = Exam.objects.get_or_create(
            title=title,
            defaults={
                "purpose": Exam.Purpose.PROMOTION,
                "guideline": guideline,
                "guideline_major_version": guideline.major_version,
                "description": description,
                "time_limit_minutes": minutes,
                "pass_mark_percent": pass_mark,
                "max_attempts": 2,
                "retake_cooldown_hours": 72,
                "certificate_validity_months": 24,
                "feedback": Exam.Feedback.PER_QUESTION,
            },
        )
        summary.count("exams", created)
        for category, count in zip(spec["categories"], counts, strict=True):
            _section, created = ExamSection.objects.get_or_create(
                exam=exam, category=category, defaults={"question_count": count}
            )
            summary.count("exam sections", created)
        sections = list(exam.sections.all())
        users = {u.email: u for u in User.objects.filter(email__in=[e for e, _d in holders])}
        for email, days_ago in holders:
            user = users.get(email)
            worker = Worker.objects.filter(user=user).first() if user else None
            if worker is None:
                continue
            if Attempt.objects.filter(exam=exam, user=user, number=1).exists():
                summary.count("attempts", False)
                continue
            days_ago = max(1, min(days_ago, (today - worker.hired_on).days - 14))
            rng = random.Random(f"{exam.title}/{user.email}")
            # Nobody grades their own answers: the demo trainer's are graded by another trainer.
            grader = trainer
            if trainer is not None and trainer.pk == user.pk:
                grader = User.objects.filter(email=TRAINERS[1]).first()
            attempt = _graded_attempt(
                exam, user, "valid", days_ago, questions, sections, by_ref, grader, rng
            )
            summary.count("attempts", True)
            issued_on = timezone.localdate(attempt.graded_at)
            _certificate, created = Certificate.objects.get_or_create(
                attempt=attempt,
                defaults={
                    "user": user,
                    "exam": exam,
                    "guideline": guideline,
                    "guideline_major_version": guideline.major_version,
                    "issued_on": issued_on,
                    "expires_on": (
                        pd.Timestamp(issued_on)
                        + pd.DateOffset(months=exam.certificate_validity_months)
                    ).date(),
                },
            )
            summary.count("certificates", created)


def _candidates(slug: str) -> list[User]:
    """Active demo workers of the domain, in a fixed order; the demo annotator holds a medicine
    certificate and nothing in law, so the demo can show them taking the law exam."""
    workers = (
        Worker.objects.filter(
            user__email__endswith=DEMO_EMAIL_SUFFIX,
            status=Worker.Status.ACTIVE,
            expertise__domain__slug=slug,
        )
        .exclude(user__email=ANNOTATOR_EMAIL)
        .select_related("user")
        .order_by("employee_number")
        .distinct()
    )
    users = [worker.user for worker in workers]
    if slug == "medicine":
        annotator = User.objects.filter(email=ANNOTATOR_EMAIL, worker__isnull=False).first()
        if annotator:
            users.insert(0, annotator)
    return users


def _sittings(guideline, exam, questions, slug, trainer, summary) -> None:
    by_ref = {item["ref"]: item for item in BANKS[slug]["questions"]}
    sections = list(exam.sections.all())
    for user, (outcome, days_ago) in zip(_candidates(slug), OUTCOMES, strict=False):
        rng = random.Random(f"{exam.title}/{user.email}")
        attempt = Attempt.objects.filter(exam=exam, user=user, number=1).first()
        if attempt is None:
            attempt = _graded_attempt(
                exam, user, outcome, days_ago, questions, sections, by_ref, trainer, rng
            )
            summary.count("attempts", True)
        if outcome == "fail" or not attempt.passed:
            continue
        version = guideline.major_version
        recertify_by = None
        if outcome == "recertify" and guideline.major_version > 1:
            version = guideline.major_version - 1
            recertify_by = clock.today() + timedelta(days=RECERTIFY_IN_DAYS)
        issued_on = timezone.localdate(attempt.graded_at)
        # Found by its attempt: a holder who recertified since holds a second one of the exam.
        _certificate, created = Certificate.objects.get_or_create(
            attempt=attempt,
            defaults={
                "user": user,
                "exam": exam,
                "guideline": guideline,
                "guideline_major_version": version,
                "issued_on": issued_on,
                "expires_on": (
                    pd.Timestamp(issued_on) + pd.DateOffset(months=exam.certificate_validity_months)
                ).date(),
                "recertify_by": recertify_by,
            },
        )
        summary.count("certificates", created)


def _graded_attempt(exam, user, outcome, days_ago, questions, sections, by_ref, trainer, rng):
    """A submitted and graded attempt, answered by a simulated candidate whose skill fits the
    outcome: strong candidates get most questions right, weak ones fewer."""
    started_at = clock.now() - timedelta(days=days_ago, hours=rng.randint(1, 8))
    submitted_at = started_at + timedelta(minutes=rng.randint(12, 28))
    # The skill is drawn before the questions, so the seeded demo answers as it always has.
    skill = rng.uniform(0.75, 0.95) if outcome != "fail" else rng.uniform(0.25, 0.55)
    drawn = _draw(questions, sections, rng)
    right, shares = _simulated_answers(exam, outcome, skill, drawn, by_ref, rng)
    attempt = Attempt.objects.create(
        exam=exam,
        user=user,
        number=1,
        status=Attempt.Status.GRADED,
        started_at=started_at,
        deadline_at=started_at + timedelta(minutes=exam.time_limit_minutes),
        submitted_at=submitted_at,
        graded_at=submitted_at + timedelta(hours=20),
    )
    items = []
    for position, (question, ok, share) in enumerate(zip(drawn, right, shares, strict=True), 1):
        hand_graded = question.kind == K.LONG_TEXT
        items.append(
            AttemptItem(
                attempt=attempt,
                question=question,
                position=position,
                option_order=_option_order(exam, question, rng),
                answer=_answer(question, ok, by_ref.get(question.ref, {})),
                answered_at=started_at + timedelta(minutes=position),
                points=(question.points * share).quantize(CENT, rounding=ROUND_HALF_UP),
                max_points=question.points,
                grader=trainer if hand_graded else None,
                graded_at=submitted_at + timedelta(hours=20 if hand_graded else 0),
                grader_comment=(_("Meets the rubric.") if ok else _("Half of the rubric."))
                if hand_graded
                else "",
            )
        )
    AttemptItem.objects.bulk_create(items)
    _record_score(attempt, items)
    return attempt


def _draw(questions, sections, rng) -> list:
    """The attempt's questions, drawn section by section from the active bank as the exam does."""
    drawn = []
    active = [question for question in questions if question.is_active]
    for section in sections:
        pool = [question for question in active if question.category == section.category]
        drawn += rng.sample(pool, min(section.question_count, len(pool)))
    rng.shuffle(drawn)
    return drawn


def _simulated_answers(exam, outcome, skill, drawn, by_ref, rng) -> tuple[list, list]:
    """Which questions the candidate gets right, and the share of points each earns."""
    right = []
    for question in drawn:
        spec = by_ref.get(question.ref, {})
        if spec.get("always_right"):
            right.append(True)
        elif spec.get("coin_flip"):
            right.append(rng.random() < 0.5)
        else:
            right.append(rng.random() < skill)
    shares = [
        _share(question, ok, by_ref.get(question.ref, {}))
        for question, ok in zip(drawn, right, strict=True)
    ]

    def percent():
        earned = sum(q.points * s for q, s in zip(drawn, shares, strict=True))
        total = sum(q.points for q in drawn)
        return earned * 100 / total if total else Decimal(0)

    # Make the outcome hold: a holder passes, a failing candidate fails.
    wants_pass = outcome != "fail"
    for i in rng.sample(range(len(drawn)), len(drawn)):
        if (percent() >= exam.pass_mark_percent) == wants_pass:
            break
        spec = by_ref.get(drawn[i].ref, {})
        if right[i] != wants_pass and not spec.get("always_right"):
            right[i] = wants_pass
            shares[i] = _share(drawn[i], wants_pass, spec)
    return right, shares


def _record_score(attempt, items) -> None:
    attempt.max_score = sum((item.max_points for item in items), Decimal(0))
    attempt.score = sum((item.points for item in items), Decimal(0))
    attempt.percent = (
        (attempt.score * 100 / attempt.max_score).quantize(CENT, rounding=ROUND_HALF_UP)
        if attempt.max_score
        else Decimal(0)
    )
    attempt.passed = attempt.percent >= attempt.exam.pass_mark_percent
    Attempt.objects.filter(pk=attempt.pk).update(
        max_score=attempt.max_score,
        score=attempt.score,
        percent=attempt.percent,
        passed=attempt.passed,
    )


def _share(question: Question, right: bool, spec: dict) -> Decimal:
    if question.kind == K.LONG_TEXT:
        return Decimal(1) if right else Decimal("0.5")
    share = grading.grade(question, _answer(question, right, spec))
    return share if share is not None else Decimal(0)


def _answer(question: Question, right: bool, spec: dict) -> dict:
    """An answer in the shape the attempt page saves: the gold one, or a plausible mistake."""
    key, options = question.answer_key, question.options
    match question.kind:
        case K.SINGLE:
            return {"choice": key["choice"] if right else (key["choice"] + 1) % len(options)}
        case K.MULTIPLE:
            if right:
                return {"choices": key["choices"]}
            wrong = [i for i in range(len(options)) if i not in key["choices"]]
            return {"choices": sorted(key["choices"][1:] + wrong[:1])}
        case K.TRUE_FALSE:
            return {"value": key["value"] if right else not key["value"]}
        case K.NUMERIC:
            value = Decimal(key["value"])
            return {"value": str(value if right else value + 7)}
        case K.SHORT_TEXT:
            if not right:
                return {"text": "not sure"}
            return {"text": key["answers"][0] if "answers" in key else spec.get("sample", "")}
        case K.LONG_TEXT:
            return {"text": _("A short answer written against the rubric.")}
        case K.RATING:
            gold = key["score"]
            if right:
                return dict(key)
            score = gold + 2 if gold <= 3 else gold - 2
            return {"score": score} if score >= 3 else {"score": score, "error_type": "other"}
        case K.LABEL:
            if right:
                return {"label": key["label"]}
            return {"label": next(o for o in options if o != key["label"])}
        case K.RANKING:
            return {"order": key["order"] if right else list(reversed(key["order"]))}
    return {}


def _option_order(exam: Exam, question: Question, rng: random.Random) -> list[int]:
    if question.kind not in {K.SINGLE, K.MULTIPLE, K.LABEL, K.RANKING}:
        return []
    order = list(range(len(question.options)))
    if exam.shuffle_options and question.kind != K.LABEL:
        rng.shuffle(order)
    return order
