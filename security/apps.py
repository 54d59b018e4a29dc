from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = "Security headers and policy reports"

    def ready(self):
        from allauth.socialaccount.models import SocialApp

        from .oauth import forget_social_app_hosts

        # allauth's model: its save signals are the only door to hear of a change.
        post_save.connect(forget_social_app_hosts, sender=SocialApp)
        post_delete.connect(forget_social_app_hosts, sender=SocialApp)
        m2m_changed.connect(forget_social_app_hosts, sender=SocialApp.sites.through)
