from django.db import connection
from django.http import HttpResponse


def floor(request):
    """The framework floor: the whole middleware stack and one trivial query, nothing else."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
