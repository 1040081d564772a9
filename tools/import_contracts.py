"""The portal's own import-linter contract: apps meet only through their public modules.

``lint-imports`` (``make lint``) loads it from ``[tool.importlinter]`` in pyproject.toml. An app
may import from another app only that app's public modules: by default ``models`` (for
relations), ``selectors`` (reads), ``services`` (writes), ``kpis`` (report figures) and
``permissions`` (permission checks), plus the modules named in ``also_public`` (core's toolbox,
``accounts.roles``). Views, forms, admin, URLs, template tags, e-mails, demo data, panels and
every other module of an app are its own business; so is any module or package whose name starts
with an underscore, even inside a public package. A rule that lists what is allowed (rather than
what is forbidden) covers an app's new modules without anyone editing the contract.
"""

from __future__ import annotations

import grimp
from importlinter import Contract, ContractCheck, fields, output
from importlinter.application import contract_utils


class PublicApiContract(Contract):
    """Configuration options:

    - apps:            the root packages whose modules are guarded (and whose imports are checked).
    - public:          module names that are public in every app (``models``, ``selectors``...).
    - also_public:     further public modules, in full (``accounts.roles``, ``core.fiscal``...).
    - ignore_imports:  imports to leave out, each with a comment in the configuration saying why.
    """

    type_name = "public_api"

    apps = fields.ListField(subfield=fields.StringField())
    public = fields.ListField(subfield=fields.StringField())
    also_public = fields.ListField(subfield=fields.StringField(), required=False)
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)
    unmatched_ignore_imports_alerting = fields.EnumField(
        contract_utils.AlertLevel, default=contract_utils.AlertLevel.ERROR
    )

    def _is_public(self, module: str) -> bool:
        parts = module.split(".")
        if any(part.startswith("_") and not part.startswith("__") for part in parts):
            return False
        if len(parts) == 1:
            return True  # the app's package itself (``import groups``)
        if parts[1] in self.public:  # type: ignore[operator]
            return True
        return any(
            module == name or module.startswith(name + ".")
            for name in self.also_public or ()  # type: ignore[union-attr]
        )

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        removal = contract_utils.remove_ignored_imports_and_report(
            graph=graph,
            ignore_imports=self.ignore_imports,  # type: ignore[arg-type]
            unmatched_alerting=self.unmatched_ignore_imports_alerting,  # type: ignore[arg-type]
        )
        apps = set(self.apps)  # type: ignore[arg-type]
        illegal = []
        for app in sorted(apps):
            for module in sorted({app} | graph.find_descendants(app)):
                if self._is_public(module):
                    continue
                for importer in sorted(graph.find_modules_that_directly_import(module)):
                    if importer.split(".")[0] == app:
                        continue
                    lines = sorted(
                        detail["line_number"]
                        for detail in graph.get_import_details(importer=importer, imported=module)
                    )
                    illegal.append((importer, module, lines))
        return ContractCheck(
            kept=not illegal,
            warnings=list(removal.warnings),
            ignored_import_count=removal.ignored_import_count,
            metadata={"illegal": illegal},
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error("Imports of another app's private modules:", bold=False)
        output.new_line()
        for importer, imported, lines in check.metadata["illegal"]:
            output.print_error(
                f"- {importer} -> {imported} (l.{', '.join(map(str, lines))})", bold=False
            )
        output.new_line()
        output.print(
            "Import another app's models, selectors, services, kpis or permissions only; "
            "ask the panel registry (core.registry) where an app must not know another."
        )
