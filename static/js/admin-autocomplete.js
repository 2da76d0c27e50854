// The admin's autocompletes are select2 widgets, whose search field has no name of its own: it
// takes the field's label, so screen readers say which field it searches (WCAG 1.3.1, 4.1.2).
// Run once the admin has made them (admin/js/autocomplete.js, loaded before this file).
"use strict"
{
  const name = (select) =>
    document
      .querySelector(`label[for="${select.id}"]`)
      ?.textContent.replace(/:\s*$/, "")
      .trim()

  const labelSearchFields = () => {
    for (const select of document.querySelectorAll("select.admin-autocomplete")) {
      const search = select.nextElementSibling?.querySelector(".select2-search__field")
      const label = name(select)
      if (search && label) search.setAttribute("aria-label", label)
    }
  }

  django.jQuery(labelSearchFields)
}
