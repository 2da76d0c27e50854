from django.contrib import admin
from django.utils.html import format_html

from newsroom.photos.forms import PhotoAssetForm
from newsroom.photos.models import PhotoAsset
from newsroom.photos.services import photo_save


def thumbnail(photo, width=96):
    if not photo or not photo.image:
        return "—"
    height = round(width * photo.height / photo.width) if photo.width else width
    return format_html(
        '<img src="{}" alt="" width="{}" height="{}" loading="lazy">', photo.image.url, width, height
    )


@admin.register(PhotoAsset)
class PhotoAssetAdmin(admin.ModelAdmin):
    form = PhotoAssetForm
    list_display = ["preview", "virin", "title", "credit_line", "date_taken", "created_at"]
    list_display_links = ["preview", "virin"]
    search_fields = ["virin", "title", "caption", "photographer"]
    list_filter = ["credit", "date_taken"]
    date_hierarchy = "created_at"
    readonly_fields = ["preview_large", "width", "height", "file_size", "file_hash", "uploaded_by", "created_at"]
    fieldsets = [
        (None, {"fields": ["image", "preview_large", "virin", "title", "caption", "alt_text"]}),
        ("Credit", {"fields": ["photographer", "credit", "date_taken"]}),
        ("File", {"fields": ["width", "height", "file_size", "file_hash", "uploaded_by", "created_at"]}),
    ]

    @admin.display(description="Photo")
    def preview(self, photo):
        return thumbnail(photo)

    @admin.display(description="Preview")
    def preview_large(self, photo):
        return thumbnail(photo, width=480)

    def save_model(self, request, obj, form, change):
        photo_save(photo=obj, user=request.user)
