import pytest

from tests.training.factories import (
    ChapterPageFactory,
    body,
    case,
    example,
    heading,
    paragraph,
)
from training.blocks import ExampleBlock

pytestmark = pytest.mark.django_db


def test_a_chapter_counts_its_words_and_estimates_the_reading_time(guideline):
    chapter = ChapterPageFactory(
        parent=guideline,
        title="Long chapter",
        body=body(
            heading("Two words"),
            paragraph("<p>" + "word " * 440 + "</p>"),
            example(case("one two", "three", "four five six"), case("seven", "eight", "nine")),
        ),
    )
    assert chapter.word_count == 2 + 440 + 6 + 3
    assert chapter.reading_minutes == 3  # 451 words at 200 a minute, rounded up


def test_a_short_chapter_still_takes_a_minute(guideline):
    chapter = ChapterPageFactory(
        parent=guideline, body=body(paragraph("Just five words here, really."))
    )
    assert chapter.word_count == 5
    assert chapter.reading_minutes == 1


def test_the_chapter_page_shows_its_words_and_minutes(client, make_user, guideline):
    chapter = ChapterPageFactory(parent=guideline, body=body(paragraph("word " * 401)))
    client.force_login(make_user("annotator"))
    html = client.get(chapter.url).content.decode()
    assert "401 words" in html
    assert "about 3 minutes to read" in html


def _render(raw):
    block = ExampleBlock()
    return block.render(block.to_python(raw))


def test_an_example_block_shows_input_label_reason_and_counter_example():
    html = _render(
        example(
            case("No pneumothorax.", "Pneumothorax: Absent", "Negated by no."),
            case("Pneumothorax cannot be excluded.", "Pneumothorax: Uncertain", "Left open."),
        )["value"]
    )
    for text in [
        "No pneumothorax.",
        "Pneumothorax: Absent",
        "Negated by no.",
        "Counter-example",
        "Pneumothorax cannot be excluded.",
        "Pneumothorax: Uncertain",
    ]:
        assert text in html


def test_an_example_without_counter_example_shows_none_and_escapes_its_text():
    html = _render(example(case("<script>x</script>", "Label", "Because."))["value"])
    assert "Counter-example" not in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_counter_example_left_empty_is_valid_but_a_half_filled_one_is_not():
    from wagtail.blocks.struct_block import StructBlockValidationError

    block = ExampleBlock()
    block.clean(block.to_python(example(case("input", "label", "reason"))["value"]))
    with pytest.raises(StructBlockValidationError):
        block.clean(
            block.to_python(example(case("input", "label", "reason"), case("only input"))["value"])
        )


def test_paragraph_breaks_separate_words_and_entities_read_as_text(guideline):
    chapter = ChapterPageFactory(
        parent=guideline,
        body=body(paragraph("<p>First one.</p><p>Second&nbsp;one &amp; more.</p>")),
    )
    assert chapter.plain_text().split("\n") == ["First one.", "Second\xa0one & more."]
    assert chapter.word_count == 6
