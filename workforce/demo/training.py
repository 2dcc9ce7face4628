# ruff: noqa: E501
# (the guideline texts keep each sentence whole on one line, as they read)
"""Demo data for this app; builder.build calls build() after the people are in place.

Idempotent like the rest of the demo: find by natural key (slugs, user and chapter), create
only what is missing. One progress step per guideline.
"""

import json
from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from training import services
from training.models import (
    Acknowledgement,
    ChapterPage,
    ChapterProgress,
    GuidelineIndexPage,
    GuidelinePage,
)
from workforce.people.models import Domain, User, Worker

from . import clock

DEMO_EMAIL_DOMAIN = "example.com"


def H(text):
    return {"type": "heading", "value": text}


def P(*sentences):
    return {"type": "paragraph", "value": "".join(f"<p>{s}</p>" for s in sentences)}


def EX(example, counter=None):
    def case(parts):
        input_text, label, reason = parts if parts else ("", "", "")
        return {"input_text": input_text, "input_image": None, "label": label, "reason": reason}

    return {
        "type": "example",
        "value": {"example": case(example), "counter_example": case(counter)},
    }


LAW = {
    "slug": "contract-clause-classification",
    "domain": "law",
    "title": "Contract clause classification",
    "intro": "<p>How to label the clauses of commercial contracts (supply, licence, services and NDA agreements) with their legal function, for training contract-review models. Read every chapter before your first paid task.</p>",
    "chapters": [
        (
            "purpose-and-scope",
            "Purpose and scope",
            [
                H("What you label"),
                P(
                    "Each task shows one clause of a commercial contract, with the contract type and the governing law when the source document states them. You assign exactly one primary label from the clause taxonomy and, where the clause does two things, one secondary label.",
                    "You label what the clause <b>does</b>, not what its heading says. Headings in real contracts are often wrong, copied from templates or missing altogether.",
                ),
                H("What you do not do"),
                P(
                    "You do not give legal advice, judge whether a clause is enforceable, or correct the drafting. If a clause looks unlawful or unconscionable, label it as written and add a comment; the legal quality team reviews comments weekly.",
                    "Never copy clause text outside the labelling tool. Contracts come from clients under NDA and may name real parties.",
                ),
                EX(
                    (
                        "12. Miscellaneous. Neither party shall be liable for any failure to perform caused by flood, fire, epidemic, war or acts of government.",
                        "Force majeure",
                        "The heading says Miscellaneous, but the clause excuses non-performance caused by events outside the parties' control: that is force majeure.",
                    ),
                    (
                        "12. Force Majeure. The Supplier shall maintain business-continuity plans and test them annually.",
                        "Other (operational obligation)",
                        "Despite the heading, nothing is excused: the clause imposes a positive operational duty, so it is not force majeure.",
                    ),
                ),
            ],
        ),
        (
            "clause-taxonomy",
            "The clause taxonomy",
            [
                H("Labels"),
                P(
                    "Indemnification: one party promises to cover the other's losses arising from third-party claims or specified events.",
                    "Limitation of liability: a cap on, or exclusion of, the damages one party can recover from the other.",
                    "Termination: when and how the agreement or a part of it can be ended, including notice periods and cure periods.",
                    "Confidentiality: duties not to disclose or misuse information, with their exceptions and duration.",
                    "Governing law and jurisdiction: which law applies and which courts or arbitral body decide disputes.",
                    "Assignment: whether rights or obligations may be transferred to another party, including on a change of control.",
                    "Payment terms: price, invoicing, due dates, late-payment interest and set-off.",
                    "Force majeure, Warranties, Intellectual property, Data protection and Other complete the list.",
                ),
                H("Choosing between two labels"),
                P(
                    "When a clause fits two labels, the primary label is the one a lawyer would search for when reviewing that risk. A termination right triggered by non-payment is labelled Termination, with Payment terms as the secondary label.",
                ),
                EX(
                    (
                        "Either party may terminate this Agreement on 30 days' written notice if the other party fails to pay any undisputed invoice within 60 days of its due date.",
                        "Termination (secondary: Payment terms)",
                        "The operative right is to end the agreement; non-payment is only the trigger.",
                    ),
                    (
                        "Invoices not paid within 60 days of their due date bear interest at 1.5% per month until paid.",
                        "Payment terms",
                        "A consequence of late payment that does not end the agreement is a payment term, not termination.",
                    ),
                ),
            ],
        ),
        (
            "liability-and-indemnity",
            "Liability caps and indemnities",
            [
                H("The most common confusion"),
                P(
                    "Limitation of liability restricts what one party can claim from the other. Indemnification shifts the cost of claims, usually from third parties, onto one party. Many contracts put both in the same section, and many indemnities are carved out of the liability cap.",
                    "Read the operative verb: shall indemnify, defend and hold harmless points to Indemnification; shall not be liable for, in no event, or aggregate liability shall not exceed points to Limitation of liability.",
                ),
                EX(
                    (
                        "In no event shall either party's aggregate liability arising out of this Agreement exceed the fees paid in the twelve months preceding the claim, except for liability under Section 9 (Indemnification).",
                        "Limitation of liability",
                        "The clause caps liability. The reference to Section 9 is a carve-out from the cap, not an indemnity in itself.",
                    ),
                    (
                        "The Licensor shall defend and indemnify the Licensee against any third-party claim that the Software infringes a patent, and shall pay any damages finally awarded.",
                        "Indemnification (secondary: Intellectual property)",
                        "The Licensor takes on the cost of third-party infringement claims: an indemnity, about intellectual property.",
                    ),
                ),
                P(
                    "Exclusions of consequential, indirect or special damages, and of lost profits, are Limitation of liability even when no monetary cap is stated.",
                ),
            ],
        ),
        (
            "segmentation",
            "Segmentation and multi-clause spans",
            [
                H("One task, one clause"),
                P(
                    "The tool splits contracts at numbered sections. Sometimes a split is wrong: a section holds two unrelated clauses, or one clause runs over two tasks.",
                    "If a task holds two unrelated clauses, label the first one and flag the task as Needs resegmentation. Do not pick whichever clause seems more important.",
                    "If a clause is cut in half, label the half you see and flag Needs resegmentation; the reviewer merges the two tasks.",
                ),
                EX(
                    (
                        "8.1 This Agreement is governed by the laws of England and Wales. 8.2 The Customer may not assign this Agreement without the Supplier's prior written consent.",
                        "Governing law and jurisdiction + flag Needs resegmentation",
                        "Two unrelated clauses in one task: label the first and flag the split so the second gets its own task.",
                    ),
                    (
                        "8.1 This Agreement is governed by the laws of England and Wales, and the courts of London shall have exclusive jurisdiction.",
                        "Governing law and jurisdiction",
                        "Law and forum are one label in our taxonomy, so nothing needs splitting.",
                    ),
                ),
            ],
        ),
        (
            "quality-and-escalation",
            "Quality checks and escalation",
            [
                H("How your work is checked"),
                P(
                    "One task in twenty is a gold task with a known answer. Your accuracy on gold tasks, and the inspectors' review of a sample of your other tasks, make up your quality score.",
                    "A disagreement with a gold answer can be appealed from the task history within seven days. Appeals that change the gold answer are credited back to everyone who answered like you.",
                ),
                H("When to escalate"),
                P(
                    "Escalate to your team lead, rather than guess, when the clause is in a language you do not read fluently, when it refers to a statute you cannot identify, or when the contract appears to contain personal data beyond names and business addresses.",
                ),
                EX(
                    (
                        "Clause 14 (in Portuguese): O presente contrato rege-se pela lei portuguesa.",
                        "Governing law and jurisdiction",
                        "Short, unambiguous and in a language the annotator reads: label it. Portuguese law governs the contract.",
                    ),
                    (
                        "Clause 14 (in Finnish), two pages long, citing a statute by number only.",
                        "Escalate: language",
                        "Guessing the function of a long clause in a language you do not read fluently harms the data set more than skipping it.",
                    ),
                ),
            ],
        ),
    ],
}

MEDICINE = {
    "slug": "radiology-report-labelling",
    "domain": "medicine",
    "title": "Radiology report labelling",
    "intro": "<p>How to label chest X-ray and CT reports for the presence, absence or uncertainty of findings, for training report-summarisation and triage models. All reports are de-identified; report any identifier you find.</p>",
    "chapters": [
        (
            "scope-and-privacy",
            "Scope and privacy",
            [
                H("What you label"),
                P(
                    "Each task is one de-identified radiology report: chest radiograph or chest CT, adult patients. For each of the fourteen findings in the panel you choose Present, Absent, Uncertain or Not mentioned.",
                    "You label what the report says, not what you think the image shows. You cannot see the image, and the radiologist's words are the ground truth for this project.",
                ),
                H("Identifiers"),
                P(
                    "Reports are de-identified automatically. If you see a name, date of birth, record number, address or telephone number, stop, flag the task as Contains identifier and do not label it. Never copy report text outside the tool.",
                ),
                EX(
                    (
                        "IMPRESSION: Small left pleural effusion. No pneumothorax.",
                        "Pleural effusion: Present; Pneumothorax: Absent",
                        "Both findings are stated explicitly, one affirmed and one negated.",
                    ),
                    (
                        "IMPRESSION: Compared with the study of Mr J. Smith dated 03/04, small left pleural effusion.",
                        "Flag: Contains identifier (do not label)",
                        "A patient name slipped through de-identification. Flag the task; an identifier stops the labelling.",
                    ),
                ),
            ],
        ),
        (
            "findings-and-impression",
            "Findings and impression",
            [
                H("Where to look"),
                P(
                    "Most reports have a Findings section, describing what is seen, and an Impression section, summarising what matters. Label from both, and when they disagree, the Impression wins: it is the radiologist's conclusion.",
                    "Cardiomegaly, pleural effusion, pneumothorax, consolidation, atelectasis, oedema, lung nodule or mass, fracture and support devices (lines, tubes, pacemakers) are the findings most often mentioned.",
                ),
                EX(
                    (
                        "FINDINGS: The heart is mildly enlarged. IMPRESSION: Stable mild cardiomegaly.",
                        "Cardiomegaly: Present",
                        "Both sections agree; stable means the finding is still there.",
                    ),
                    (
                        "FINDINGS: Possible mild cardiac enlargement, likely projectional. IMPRESSION: No acute cardiopulmonary process. Normal heart size.",
                        "Cardiomegaly: Absent",
                        "The Findings hedge, but the Impression states a normal heart size, and the Impression wins.",
                    ),
                ),
            ],
        ),
        (
            "negation-and-uncertainty",
            "Negation and uncertainty",
            [
                H("Negation"),
                P(
                    "No, without, free of, resolved and negative for negate the finding they govern, and only that finding. In no focal consolidation or effusion, both consolidation and effusion are Absent.",
                    "Resolved means the finding was present before and is absent now: label Absent.",
                ),
                H("Uncertainty"),
                P(
                    "Possible, probable, cannot exclude, may represent, suspicious for and questionable are Uncertain. Likely is Uncertain too: the radiologist is not committing.",
                    "Cannot be excluded is the most common source of errors. It does not mean absent.",
                ),
                EX(
                    (
                        "Left basilar opacity, which may represent atelectasis or early pneumonia.",
                        "Atelectasis: Uncertain; Consolidation: Uncertain",
                        "Both conditions are offered as possibilities, neither is affirmed.",
                    ),
                    (
                        "Left basilar opacity, consistent with atelectasis.",
                        "Atelectasis: Present",
                        "Consistent with is an affirmation in radiology usage: the radiologist commits to the finding.",
                    ),
                ),
                EX(
                    (
                        "A small pneumothorax cannot be excluded on this supine film.",
                        "Pneumothorax: Uncertain",
                        "Cannot be excluded leaves the question open.",
                    ),
                ),
            ],
        ),
        (
            "comparisons-and-change",
            "Comparisons and change over time",
            [
                H("Change labels"),
                P(
                    "When the report compares with a prior study, also choose a change label for each Present finding: New, Worse, Stable, Improved or Not compared.",
                    "Interval is radiology shorthand for since the prior study: interval increase is Worse, interval decrease is Improved.",
                ),
                EX(
                    (
                        "Interval increase in the size of the right pleural effusion, now moderate.",
                        "Pleural effusion: Present, Worse",
                        "The effusion is present and bigger than on the prior study.",
                    ),
                    (
                        "Right pleural effusion, moderate. No prior studies available for comparison.",
                        "Pleural effusion: Present, Not compared",
                        "Without a prior study no change can be stated, whatever the size.",
                    ),
                ),
            ],
        ),
        (
            "urgent-findings",
            "Urgent findings and escalation",
            [
                H("Critical results"),
                P(
                    "Some findings need a clinician within the hour: tension pneumothorax, free air under the diaphragm, a misplaced endotracheal or nasogastric tube, and aortic dissection. The reports are historical, so no patient is at risk, but the triage model must learn these.",
                    "For a critical finding, tick Critical in addition to the finding's label. If the report says the result was communicated to a clinician, that confirms the tick.",
                ),
                EX(
                    (
                        "Large right pneumothorax with mediastinal shift to the left. Findings discussed with Dr A at 14:05.",
                        "Pneumothorax: Present; Critical: yes",
                        "Mediastinal shift signals tension; the communication to a clinician confirms it was treated as critical.",
                    ),
                    (
                        "Tiny apical pneumothorax, unchanged from this morning, after chest drain removal.",
                        "Pneumothorax: Present, Stable; Critical: no",
                        "A small, stable, expected pneumothorax after drain removal is not a critical result.",
                    ),
                ),
            ],
        ),
    ],
}

MUSIC = {
    "slug": "rating-generated-music",
    "domain": "music",
    "title": "Rating generated music",
    "intro": "<p>How to rate 30-second music clips produced by a text-to-music model against the prompt that asked for them, and how to describe what is wrong with weak clips. Your ratings train the model's reward function.</p>",
    "chapters": [
        (
            "how-to-listen",
            "How to listen",
            [
                H("Set-up"),
                P(
                    "Use closed headphones, not laptop speakers: bass lines and low-level artefacts are inaudible on small speakers. Calibrate the volume once per session with the reference clip, and do not change it between clips.",
                    "Listen to every clip to the end before rating. Many generated clips start well and fall apart after fifteen seconds.",
                ),
                H("Pace"),
                P(
                    "Expect about 40 clips an hour once you are practised. Take a five-minute break every hour: ear fatigue makes raters harsher over a session, and we see it in the data.",
                ),
                EX(
                    (
                        "Prompt: calm solo piano, slow, for studying. Clip: a gentle piano piece for 20 seconds, then a loud drum fill enters.",
                        "Score 2",
                        "The last third contradicts calm and solo piano. Raters who stop listening at 15 seconds would wrongly give it 4 or 5.",
                    ),
                ),
            ],
        ),
        (
            "the-score",
            "The 1-5 score",
            [
                H("What each score means"),
                P(
                    "5: the clip does everything the prompt asks and would pass as a professional recording.",
                    "4: it follows the prompt with one small miss (a slightly wrong tempo, a thin mix).",
                    "3: it follows the prompt broadly but has a clear musical or audio problem.",
                    "2: it misses an important part of the prompt, or has a problem that ruins the listen.",
                    "1: it ignores the prompt, or is noise, silence or broken audio.",
                ),
                P(
                    "Score prompt adherence and musical quality together, as a listener who asked for this music would. A beautiful clip in the wrong genre is not a 5.",
                ),
                EX(
                    (
                        "Prompt: upbeat 1980s synth-pop with female vocals, 120 BPM. Clip: bright synth-pop at about 118 BPM, female vocals with clear words, a clean mix.",
                        "Score 5",
                        "Genre, era, vocals and tempo all match; two beats a minute off is within tolerance.",
                    ),
                    (
                        "Prompt: upbeat 1980s synth-pop with female vocals, 120 BPM. Clip: a well-produced modern EDM track, male vocals.",
                        "Score 2",
                        "Good production does not make up for the wrong era and the wrong voice.",
                    ),
                ),
            ],
        ),
        (
            "error-types",
            "Error types for low scores",
            [
                H("Every score under 3 needs an error type"),
                P(
                    "Choose the one error type that most lowered the score: Off-prompt (genre, mood, instrumentation or tempo not as asked), Audio artefact (clicks, metallic smearing, clipping, dropouts), Structure (no form, abrupt ending, loops that do not resolve), Vocals (unintelligible words, pitch problems), Possible copy (a recognisable existing melody or recording) or Other.",
                    "Use Other for prompts that ask for sensitive content, such as music glorifying violence against a group, whatever the clip sounds like, and describe the issue in the comment.",
                ),
                EX(
                    (
                        "Prompt: jazz trio, brushed drums, walking bass. Clip: the right style, but a loud metallic warble over the cymbals throughout.",
                        "Score 2, error type: Audio artefact",
                        "The style is right; what ruins the listen is the artefact.",
                    ),
                    (
                        "Prompt: jazz trio, brushed drums, walking bass. Clip: a clean recording of a string quartet.",
                        "Score 1, error type: Off-prompt",
                        "The audio is clean, but the clip ignores the prompt's instrumentation entirely.",
                    ),
                ),
                EX(
                    (
                        "Prompt: a happy birthday song. Clip: the melody of the traditional Happy Birthday tune, re-orchestrated.",
                        "Score 2, error type: Possible copy",
                        "Recognisable existing melodies are a legal risk even when the prompt invites them; flag them.",
                    ),
                ),
            ],
        ),
        (
            "consistency",
            "Staying consistent",
            [
                H("Anchors"),
                P(
                    "Each batch starts with three anchor clips whose scores the trainers agreed on. Rate them like any other clip; they keep your scale from drifting and are not shown as gold.",
                    "If you find yourself giving mostly 3s, listen to the anchors again. A useful rater uses the whole scale.",
                ),
                H("Your own taste"),
                P(
                    "Rate against the prompt, not against your taste. A competent trap beat for a trap prompt is a 5 even if you dislike trap.",
                ),
                EX(
                    (
                        "Prompt: aggressive drill beat, dark, sliding 808s. Clip: exactly that, well mixed.",
                        "Score 5",
                        "The clip delivers what was asked. Personal dislike of the genre is not a reason to lower the score.",
                    ),
                    (
                        "Prompt: aggressive drill beat, dark, sliding 808s. Clip: a drill beat whose 808s clip and distort on every note.",
                        "Score 3",
                        "On-prompt, but a clear audio problem that a producer would fix.",
                    ),
                ),
            ],
        ),
    ],
}

GUIDELINES = [LAW, MEDICINE, MUSIC]

# Who has read what, for a demo of progress and "resume where you stopped": by guideline slug,
# (email, chapters read, whether the next one is opened, whether they acknowledged).
READERS = {
    "radiology-report-labelling": [(f"annotator@{DEMO_EMAIL_DOMAIN}", 2, True, False)],
    "contract-clause-classification": [(f"candidate@{DEMO_EMAIL_DOMAIN}", 1, True, False)],
}
# The music guideline has had a major revision since its first version, so the demo shows
# certificates awaiting recertification and the "what changed" page.
MAJOR_REVISION = {
    "rating-generated-music": P(
        "New in version 2: rate vocals separately. A track whose vocals are off-key scores at "
        'most 2, whatever the arrangement, and takes the error type "pitch".'
    ),
}
PROGRESS_STEPS = 3  # one per guideline; the builder adds it to the job's total

FINISHED_READERS_PER_DOMAIN = 3  # verified experts who read and acknowledged everything
PARTIAL_READERS_PER_DOMAIN = 2


def build(*, summary, progress) -> None:
    for spec in GUIDELINES:
        with transaction.atomic():
            guideline = _guideline(spec, summary)
            _readers(guideline, spec, summary)
        progress.advance(_("Guideline: %(title)s") % {"title": spec["title"]})


def _index() -> GuidelineIndexPage:
    index = GuidelineIndexPage.objects.order_by("path").first()
    if index:
        return index
    site = Site.objects.filter(is_default_site=True).first()
    parent = site.root_page if site else Page.get_first_root_node()
    index = GuidelineIndexPage(title="Guidelines", slug="guidelines")
    parent.add_child(instance=index)
    return index


def _guideline(spec, summary) -> GuidelinePage:
    guideline = GuidelinePage.objects.filter(slug=spec["slug"]).first()
    created = guideline is None
    summary.count("guidelines", created)
    if created:
        guideline = GuidelinePage(
            title=spec["title"],
            slug=spec["slug"],
            domain=Domain.objects.get(slug=spec["domain"]),
            intro=spec["intro"],
            live=False,
        )
        _index().add_child(instance=guideline)
    existing = set(ChapterPage.objects.child_of(guideline).values_list("slug", flat=True))
    for slug, title, blocks in spec["chapters"]:
        summary.count("chapters", slug not in existing)
        if slug in existing:
            continue
        chapter = ChapterPage(title=title, slug=slug, body=json.dumps(blocks), live=False)
        guideline.add_child(instance=chapter)
        # Before the guideline's first publication this changes no version; on a rebuild
        # that restores a deleted chapter it raises the minor version, as any publication does.
        services.guideline_publish(page=chapter)
    if created:
        services.guideline_publish(page=guideline)  # records version 1.0 with every chapter
        summary.count("guideline versions", True)
        if spec["slug"] in MAJOR_REVISION:
            chapter = ChapterPage.objects.child_of(guideline).live().order_by("path").first()
            chapter.body.append(
                (
                    MAJOR_REVISION[spec["slug"]]["type"],
                    RichText(MAJOR_REVISION[spec["slug"]]["value"]),
                )
            )
            services.guideline_publish(page=chapter, is_major=True)  # version 2.0
            summary.count("guideline versions", True)
    guideline.refresh_from_db()
    return guideline


def _readers(guideline: GuidelinePage, spec, summary) -> None:
    chapters = list(guideline.live_chapters())
    plans = list(READERS.get(spec["slug"], []))
    experts = (
        Worker.objects.filter(
            status=Worker.Status.ACTIVE,
            expertise__domain__slug=spec["domain"],
            expertise__is_verified=True,
        )
        .exclude(user__email__in=[email for plan in READERS.values() for email, *_rest in plan])
        .order_by("employee_number")
        .values_list("user__email", flat=True)
        .distinct()
    )
    experts = list(experts[: FINISHED_READERS_PER_DOMAIN + PARTIAL_READERS_PER_DOMAIN])
    plans += [
        (email, len(chapters), False, True) for email in experts[:FINISHED_READERS_PER_DOMAIN]
    ]
    plans += [
        (email, len(chapters) // 2, True, False) for email in experts[FINISHED_READERS_PER_DOMAIN:]
    ]
    now = clock.now()
    for number, (email, read, opened_next, acknowledged) in enumerate(plans):
        user = User.objects.filter(email=email).first()
        if user is None:
            continue
        start = now - timedelta(days=20 - number, hours=number)
        for position, chapter in enumerate(chapters):
            if position > read or (position == read and not opened_next):
                break
            opened_at = start + timedelta(hours=6 * position)
            _, created = ChapterProgress.objects.get_or_create(
                user=user,
                chapter=chapter,
                defaults={
                    "opened_at": opened_at,
                    "read_at": opened_at + timedelta(minutes=chapter.reading_minutes + 5)
                    if position < read
                    else None,
                },
            )
            summary.count("reading progress", created)
        if acknowledged:
            _, created = Acknowledgement.objects.get_or_create(
                user=user,
                guideline=guideline,
                major_version=guideline.major_version,
                minor_version=guideline.minor_version,
                defaults={
                    "acknowledged_at": start + timedelta(hours=6 * len(chapters)),
                    "ip_address": f"192.0.2.{10 + number}",  # documentation range
                },
            )
            summary.count("acknowledgements", created)
