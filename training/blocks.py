from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock


class ExampleCaseBlock(blocks.StructBlock):
    """An input (text or image) with its correct label or score and the reason.

    Its fields are individually optional so that an optional case (the counter-example) can be
    left wholly empty; clean() asks for the rest as soon as anything is filled in."""

    input_text = blocks.TextBlock(required=False, label=_("Input (text)"))
    input_image = ImageChooserBlock(required=False, label=_("Input (image)"))
    label = blocks.CharBlock(required=False, label=_("Correct label or score"))
    reason = blocks.TextBlock(required=False, label=_("Reason"))

    class Meta:
        is_optional = False

    @staticmethod
    def is_blank(value) -> bool:
        return not any(value.get(name) for name in ("input_text", "input_image", "label", "reason"))

    def clean(self, value):
        value = super().clean(value)
        if self.meta.is_optional and self.is_blank(value):
            return value
        errors = {}
        if not value.get("input_text") and not value.get("input_image"):
            errors["input_text"] = ValidationError(_("Give the input as text or as an image."))
        for name in ("label", "reason"):
            if not value.get(name):
                errors[name] = ValidationError(_("This field is required."))
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


class ExampleBlock(blocks.StructBlock):
    """A worked example: an input, the right label or score and why; optionally a counter-example."""

    example = ExampleCaseBlock(label=_("Example"))
    counter_example = ExampleCaseBlock(
        is_optional=True,
        label=_("Counter-example"),
        help_text=_("Optional: a similar input that must be labelled differently, and why."),
    )

    class Meta:
        icon = "doc-full"
        template = "training/blocks/example.html"
        label = _("Example")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        counter = value.get("counter_example")
        context["counter_example"] = (
            None if not counter or ExampleCaseBlock.is_blank(counter) else counter
        )
        return context


class ChapterStreamBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(form_classname="title", icon="title", label=_("Heading"))
    paragraph = blocks.RichTextBlock(icon="pilcrow", label=_("Text"))
    image = ImageChooserBlock(icon="image", label=_("Image"))
    example = ExampleBlock()
