from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock


class ExampleCaseBlock(blocks.StructBlock):
    input_text = blocks.TextBlock(required=False, label=_("Input (text)"))
    input_image = ImageChooserBlock(required=False, label=_("Input (image)"))
    label = blocks.CharBlock(label=_("Correct label or score"))
    reason = blocks.TextBlock(label=_("Reason"))


class ExampleBlock(blocks.StructBlock):
    """A worked example: an input, the right label or score and why; optionally a counter-example."""

    example = ExampleCaseBlock(label=_("Example"))
    counter_example = ExampleCaseBlock(required=False, label=_("Counter-example"))

    class Meta:
        icon = "doc-full"
        template = "training/blocks/example.html"
        label = _("Example")


class ChapterStreamBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(form_classname="title", icon="title", label=_("Heading"))
    paragraph = blocks.RichTextBlock(icon="pilcrow", label=_("Text"))
    image = ImageChooserBlock(icon="image", label=_("Image"))
    example = ExampleBlock()
