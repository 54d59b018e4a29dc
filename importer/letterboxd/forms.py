from django import forms

from blog.models import Challenge


class ImportForm(forms.Form):
    export = forms.FileField(
        label="Letterboxd export",
        help_text="The ZIP from Letterboxd (Settings → Data → Export your data), or one CSV.",
    )
    publish = forms.BooleanField(
        required=False, help_text="Publish the reviews on the day they were logged on Letterboxd."
    )
    keep_ratings = forms.BooleanField(
        required=False,
        label="Keep ratings without a review",
        help_text="Create their documentaries and keep the rating for later.",
    )

    def clean_export(self):
        upload = self.cleaned_data["export"]
        if not upload.name.lower().endswith((".zip", ".csv")):
            raise forms.ValidationError("Choose the .zip Letterboxd gave you (or a .csv).")
        return upload


class ExportForm(forms.Form):
    since = forms.DateField(
        required=False, help_text="Published on or after this day (2024-03-31).", label="From"
    )
    until = forms.DateField(
        required=False, help_text="Published on or before this day.", label="Until"
    )
    challenge_year = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="A to Z challenge year"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = Challenge.objects.order_by("-year").values_list("year", flat=True).distinct()
        self.fields["challenge_year"].choices = [("", "Any")] + [(y, y) for y in years]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError("“From” comes after “Until”.")
        return data
