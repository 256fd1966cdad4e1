from django.core.management.base import BaseCommand

from trygghet.demo import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = (
        "Läser in demodata från källdokumenten (Nacka, Linköping, Stockholm) och demoanvändarna. "
        "Kan köras flera gånger: demodatan återställs till filens värden."
    )

    def handle(self, *args, **options):
        summary = demo_load()
        self.stdout.write(
            self.style.SUCCESS("Demodata inläst: " + ", ".join(summary.organisations))
        )
        self.stdout.write("")
        self.stdout.write(f"Demoanvändare (lösenord för alla: {DEMO_PASSWORD}):")
        width = max(len(user.username) for user in summary.users)
        for user in summary.users:
            self.stdout.write(f"  {user.username.ljust(width)}  {user.role}, {user.organisation}")
