from django.urls import path

from forsyn.saml import views

urlpatterns = [
    path("saml/login/", views.saml_login, name="saml-login"),
    path("saml/acs/", views.acs, name="saml-acs"),
    path("saml/metadata/", views.metadata, name="saml-metadata"),
    path("saml/logout/", views.saml_logout, name="saml-logout"),
    path("testidp/metadata/", views.testidp_metadata, name="testidp-metadata"),
    path("testidp/sso/", views.testidp_sso, name="testidp-sso"),
]
