from django.db import migrations


def make_key(apps, schema_editor):
    from fediverse.keys import new_key_pair

    ActorKey = apps.get_model("fediverse", "ActorKey")
    if not ActorKey.objects.exists():
        private_pem, public_pem = new_key_pair()
        ActorKey.objects.create(private_key_pem=private_pem, public_key_pem=public_pem)


class Migration(migrations.Migration):
    dependencies = [("fediverse", "0001_initial")]

    operations = [migrations.RunPython(make_key, migrations.RunPython.noop)]
