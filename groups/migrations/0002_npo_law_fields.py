"""The 20 activity fields of the NPO law (特定非営利活動促進法 別表) as the default list."""

from django.db import migrations

FIELDS = [
    ("welfare", "保健・医療・福祉", "Health, medical care and welfare"),
    ("social-education", "社会教育", "Social education"),
    ("community", "まちづくり", "Community development"),
    ("tourism", "観光の振興", "Tourism"),
    ("rural", "農山漁村・中山間地域", "Rural and mountain communities"),
    ("culture-sports", "学術・文化・芸術・スポーツ", "Academia, culture, arts and sports"),
    ("environment", "環境の保全", "Environmental conservation"),
    ("disaster-relief", "災害救援", "Disaster relief"),
    ("community-safety", "地域安全", "Community safety"),
    ("human-rights-peace", "人権の擁護・平和の推進", "Human rights and peace"),
    ("international", "国際協力", "International cooperation"),
    ("gender-equality", "男女共同参画", "Gender equality"),
    ("children", "子どもの健全育成", "Children's healthy development"),
    ("information-society", "情報化社会の発展", "Information society"),
    ("science", "科学技術の振興", "Science and technology"),
    ("economy", "経済活動の活性化", "Economic vitality"),
    ("employment", "職業能力の開発・雇用機会の拡充", "Job skills and employment"),
    ("consumer", "消費者の保護", "Consumer protection"),
    ("support", "団体の運営・活動への連絡・助言・援助", "Support for other groups"),
    ("ordinance", "条例で定める活動", "Activities set by local ordinance"),
]


def add_fields(apps, schema_editor):
    ActivityField = apps.get_model("groups", "ActivityField")
    for order, (slug, name, name_en) in enumerate(FIELDS, start=1):
        ActivityField.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("groups", "0001_initial")]

    operations = [migrations.RunPython(add_fields, migrations.RunPython.noop)]
