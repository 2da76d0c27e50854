"""The apps import only downward, and no two modules import each other (docs/ARCHITECTURE.md).

Every import in every module under newsroom/ is read with `ast` (those inside functions too, where a
cycle likes to hide) and checked against the layers below. A new app must be given a layer here.
"""

import ast
from pathlib import Path

NEWSROOM = Path(__file__).resolve().parents[1] / "newsroom"

# Lower numbers are lower floors. An app may import its own modules and those of lower floors
# only: never an app on its own floor (sideways) or above it (upward).
LAYERS = {
    "core": 0,  # addresses, AP-style dates, the clock, pagination, cache keys, command-line helpers
    "accounts": 1,  # editor accounts and roles
    "photos": 1,  # the photo library
    "stories": 2,  # stories, tags, placements, revisions, the workflow; readers' story and photo pages
    "archive": 3,  # historical collections and moving stories into them
    "desk": 3,  # notifications of workflow steps: the inbox, e-mail, each person's settings
    "editing": 3,  # working copies (autosave) and who is editing a story
    "notes": 3,  # notes between writer and editor on a story
    "feedback": 3,  # the accessibility statement, readers' feedback and the story page's yes/no
    "search": 4,  # the search index and its upkeep
    "bundles": 5,  # moving content in and out: site bundles, legacy text stories
    "api": 5,  # the public read API at /api/v1/: what readers may see, as JSON
    "demo": 6,  # the demo content
    "website": 6,  # the site shell: home, sitemaps, health, well-known, Jinja, page cache, admin site
    "records": 7,  # web records (WARC, BagIt) of the site's pages as readers get them
}


def module_name(path: Path) -> str:
    parts = path.relative_to(NEWSROOM.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in NEWSROOM.rglob("*.py")}


def imports_of(path: Path, known: dict[str, Path]) -> set[str]:
    """The Newsroom modules a module imports (a name imported from a package counts as its module
    when it is one)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [
                f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in known else node.module
                for alias in node.names
            ]
        else:
            continue
        found.update(name for name in names if name.split(".")[0] == "newsroom")
    return found


def app_of(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def test_every_app_has_a_floor():
    apps = {path.name for path in NEWSROOM.iterdir() if (path / "__init__.py").exists()}
    assert apps == set(LAYERS), "give each app a floor in LAYERS (and docs/ARCHITECTURE.md)"
    stray = [path.name for path in NEWSROOM.glob("*.py") if path.name != "__init__.py"]
    assert not stray, f"modules directly under newsroom/ belong in an app or in core: {stray}"


def test_apps_import_only_downward():
    known = modules()
    wrong = []
    for module, path in sorted(known.items()):
        app = app_of(module)
        for imported in sorted(imports_of(path, known)):
            other = app_of(imported)
            if other and other != app and LAYERS[other] >= LAYERS[app]:
                direction = "sideways" if LAYERS[other] == LAYERS[app] else "upward"
                wrong.append(
                    f"{module} imports {imported} ({direction}: {app} is on floor {LAYERS[app]}, "
                    f"{other} on {LAYERS[other]})"
                )
    assert not wrong, "\n".join(wrong)


def test_no_modules_import_each_other_in_a_circle():
    known = modules()
    graph = {
        module: {name for name in imports_of(path, known) if name in known and name != module}
        for module, path in known.items()
    }
    cycles = []
    state = {}  # module -> "visiting" | "done"

    def visit(module, trail):
        state[module] = "visiting"
        for imported in sorted(graph[module]):
            if state.get(imported) == "visiting":
                cycles.append(" -> ".join([*trail[trail.index(imported) :], imported]))
            elif imported not in state:
                visit(imported, [*trail, imported])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not cycles, "\n".join(cycles)


def test_the_checks_see_a_wrong_import(tmp_path):
    """The walk reads imports inside functions too, and names the module a package import means."""
    source = tmp_path / "example.py"
    source.write_text("def late():\n    from newsroom.website import caching\n")
    known = modules()
    assert imports_of(source, known) == {"newsroom.website.caching"}
