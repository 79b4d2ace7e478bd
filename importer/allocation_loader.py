"""Chapter 8 of a report, for the loader (importer.loader): the regions' answers on
(report, region, question) and the funded projects on (report, Nyps-id), with their indicators;
curated ones are kept, only their `imported` snapshot is refreshed."""

from catalogue.models import AllocationAnswer, Project, ProjectIndicator

from .parser import ParsedProject


class AllocationLoading:
    """The chapter 8 part of importer.loader._Loader (whose state it reads: the parsed report,
    the report, regions and the result)."""

    # Chapter 8 answers.
    def load_answers(self) -> None:
        tally = self.result.answers
        existing = {
            (a.region_id, a.question): a
            for a in AllocationAnswer.objects.filter(report=self.report)
        }
        for parsed in self.parsed.answers:
            region = self.regions[parsed.region_code]
            values = {
                "answer": parsed.answer,
                "text_html": parsed.text_html,
                "text": parsed.text,
                "source_line": parsed.source_line,
            }
            record = existing.pop((region.pk, parsed.question), None)
            if record is None:
                AllocationAnswer.objects.create(
                    report=self.report,
                    region=region,
                    question=parsed.question,
                    imported=values,
                    **values,
                )
                tally.created += 1
            elif record.curated:
                if record.imported != values:
                    record.imported = values
                    record.save(update_fields=["imported"])
                tally.kept.append(f"svar {region.name} fråga {parsed.question}: kurerat")
            elif any(getattr(record, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(record, key, value)
                record.imported = values
                record.save()
                tally.updated += 1
            else:
                tally.unchanged += 1
        for record in existing.values():
            if record.curated:
                tally.kept.append(f"svar {record.region} fråga {record.question}: kurerat")
            else:
                record.delete()
                tally.deleted += 1

    # Chapter 8 projects.
    def project_values(self, parsed: ParsedProject) -> dict:
        return {
            "region_id": self.regions[parsed.region_code].pk,
            "title": parsed.title[:300],
            "status": parsed.status,
            "start": parsed.start,
            "end": parsed.end,
            "owner": parsed.owner[:300],
            "partners": list(parsed.partners),
            "granted_sek": parsed.granted_sek,
            "paid_sek": parsed.paid_sek,
            "policy_objective": parsed.policy_objective,
            "specific_objective": parsed.specific_objective,
            "strategy_goals": parsed.strategy_goals,
            "description": parsed.description,
            "result": parsed.result,
            "source_line": parsed.source_line,
        }

    def load_projects(self) -> None:
        tally = self.result.projects
        existing = {p.nyps_id: p for p in Project.objects.filter(report=self.report)}
        for parsed in self.parsed.projects:
            values = self.project_values(parsed)
            indicators = [(i.name, i.target, i.outcome) for i in parsed.indicators]
            snapshot = {
                **{k: v for k, v in values.items() if k != "region_id"},
                "start": parsed.start.isoformat() if parsed.start else None,
                "end": parsed.end.isoformat() if parsed.end else None,
                "region": parsed.region_code,
                "indicators": [list(i) for i in indicators],
            }
            project = existing.pop(parsed.nyps_id, None)
            if project is None:
                project = Project.objects.create(
                    report=self.report, nyps_id=parsed.nyps_id, imported=snapshot, **values
                )
                self.write_indicators(project, indicators)
                tally.created += 1
                continue
            if project.curated:
                if project.imported != snapshot:
                    project.imported = snapshot
                    project.save(update_fields=["imported"])
                tally.kept.append(f"projekt {project.nyps_id}: kurerat")
                continue
            current = [(i.name, i.target, i.outcome) for i in project.indicators.all()]
            if any(getattr(project, k) != v for k, v in values.items()) or current != indicators:
                for key, value in values.items():
                    setattr(project, key, value)
                project.imported = snapshot
                project.save()
                project.indicators.all().delete()
                self.write_indicators(project, indicators)
                tally.updated += 1
            else:
                tally.unchanged += 1
        for project in existing.values():
            if project.curated:
                tally.kept.append(f"projekt {project.nyps_id}: kurerat, finns inte längre i källan")
            else:
                project.delete()
                tally.deleted += 1

    @staticmethod
    def write_indicators(project: Project, indicators: list[tuple[str, str, str]]) -> None:
        ProjectIndicator.objects.bulk_create(
            ProjectIndicator(
                project=project, position=n, name=name[:300], target=target[:200], outcome=out[:200]
            )
            for n, (name, target, out) in enumerate(indicators)
        )
