from django import forms
from django.urls import reverse
from django.utils.html import format_html

from newsroom.photos.models import PhotoAsset
from newsroom.photos.virin import VirinError, normalise_virin


class PhotoAssetForm(forms.ModelForm):
    class Meta:
        model = PhotoAsset
        fields = ["image", "virin", "title", "caption", "alt_text", "photographer", "credit", "date_taken"]

    def clean_virin(self):
        try:
            virin = normalise_virin(self.cleaned_data["virin"])
        except VirinError as error:
            raise forms.ValidationError(str(error), code="invalid_virin") from None
        holder = PhotoAsset.objects.filter(virin=virin).exclude(pk=self.instance.pk).first()
        if holder:
            raise forms.ValidationError(
                format_html(
                    'Another photo already has VIRIN {}: <a href="{}">{}</a>.',
                    virin,
                    reverse("admin:photos_photoasset_change", args=[holder.pk]),
                    holder.title,
                ),
                code="duplicate_virin",
            )
        return virin
