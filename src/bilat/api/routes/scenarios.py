"""Scenarios: the shipped list, and runs as background jobs to poll."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import JSONResponse

from bilat.api.context import ApiContext
from bilat.api.errors import field
from bilat.api.jobs import QueueFull, ScenarioRequest, load_shipped, shipped
from bilat.api.models import ErrorOut, JobOut, ScenarioIn, ScenarioInfo
from bilat.api.routes._common import context
from bilat.errors import InputError

router = APIRouter(prefix="/api/scenarios", tags=["scenarios"])
Ctx = Annotated[ApiContext, Depends(context)]


@router.get("", response_model=list[ScenarioInfo])
def list_scenarios() -> list[dict]:
    """The scenarios shipped with bilat: name to run, title, year, σ, focus pair, shocks."""
    out = []
    for name in shipped():
        s = load_shipped(name)
        out.append(
            {
                "name": name,
                "title": s.name,
                "year": s.year,
                "sigma": s.sigma,
                "focus": list(s.focus) if s.focus else None,
                "shocks": [str(x) for x in s.shocks],
            }
        )
    return out


@router.post(
    "/jobs",
    response_model=JobOut,
    status_code=202,
    responses={
        422: {"model": ErrorOut, "description": "Unknown scenario or bad option."},
        429: {"model": ErrorOut, "description": "Too many runs waiting; retry later."},
    },
)
def submit(body: ScenarioIn, ctx: Ctx, request: Request) -> JSONResponse:
    """Start a scenario run in the background; poll ``Location`` for progress and the result."""
    try:
        job = ctx.jobs.submit(
            ScenarioRequest(
                body.name,
                body.sigma,
                body.draws,
                body.level,
                body.seed,
                body.deficits,
                body.normalisation,
            )
        )
    except QueueFull as exc:
        return JSONResponse({"detail": str(exc)}, status_code=429, headers={"Retry-After": "5"})
    except InputError as exc:
        where = getattr(exc, "field", None) or ("draws" if "draws" in str(exc) else "name")
        raise field(("body", where), exc) from None
    url = str(request.url_for("job", job_id=job.id))
    return JSONResponse(job.to_dict(), status_code=202, headers={"Location": url})


@router.get(
    "/jobs/{job_id}",
    response_model=JobOut,
    name="job",
    responses={404: {"model": ErrorOut, "description": "No such job."}},
)
def job(
    ctx: Ctx,
    job_id: Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="Job id from POST.")],
) -> dict:
    """A job's state, progress (0–1) and stage; the result once ``state`` is ``done``."""
    found = ctx.jobs.get(job_id)
    if found is None:
        raise HTTPException(404, f"no job {job_id}: jobs are kept in memory until a restart")
    return found.to_dict()
