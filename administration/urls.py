"""Programme set-up (namespace ``setup``): organisation structure, programmes, go-lives and
releases, and new go-lives copied from previous ones."""

from administration.copying import urls as copying_urls
from administration.structure import urls as structure_urls

app_name = "setup"
urlpatterns = [*structure_urls.urlpatterns, *copying_urls.urlpatterns]
