from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import queries


@login_required
def import_detail(request, pk):
    work_import = queries.import_for(request.user, pk)
    return render(request, "work/import_detail.html", {"work_import": work_import})
