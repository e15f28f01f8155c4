import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Actor, Role } from '@shouhu/access';
import { AnyRole, CurrentActor, Roles } from '@shouhu/auth';
import { CalendarService, CalendarYearView, isCalendarYear, ReplaceCalendarDto } from '@shouhu/deadlines';
import { DomainError } from '@shouhu/errors';
import { ApiErrors } from './http/error-body';

/**
 * The `:year` of a calendar route: four digits, a year from 2000 to 2100, else a 400 naming
 * `year`. Read as text (the global pipe would turn "0x7ea" or " 2026" into a number first).
 */
function yearParam(value: string): number {
  const year = /^\d{4}$/.test(value) ? Number(value) : NaN;
  if (!isCalendarYear(year)) throw DomainError.validation('year', 'must be a whole year from 2000 to 2100');
  return year;
}

const YEAR_PARAM = ApiParam({ name: 'year', schema: { type: 'integer', minimum: 2000, maximum: 2100 }, example: 2026 });

@ApiTags('calendar')
@Controller('calendar')
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  @AnyRole()
  @Get(':year')
  @YEAR_PARAM
  @ApiOperation({
    summary:
      '工作日历 (the official working-day calendar of a year): the days off and the 调休 make-up workdays of the State Council’s notice, on which deadlines in working days (wd) are counted. Holds no personal data: every role may read it',
  })
  @ApiOkResponse({ type: CalendarYearView })
  @ApiErrors([400, 401, 404, 503], { 404: { description: 'NOT_FOUND: no calendar is stored for this year (weekdays are then the working days)' } })
  get(@Param('year') year: string): Promise<CalendarYearView> {
    return this.calendar.get(yearParam(year));
  }

  @Roles(Role.DistrictStaff)
  @Put(':year')
  @YEAR_PARAM
  @ApiOperation({
    summary:
      '替换工作日历 (replace a year of the calendar; district staff): holidays and make-up workdays are real dates of that year, each once, in one list only, make-up workdays on Saturdays or Sundays. Deadlines computed from now on use it (other processes within a minute); deadlines already computed keep their due time. Who replaced it and when is kept with the year',
  })
  @ApiOkResponse({ type: CalendarYearView, description: 'the year as stored' })
  @ApiErrors([400, 401, 403, 503])
  replace(@CurrentActor() actor: Actor, @Param('year') year: string, @Body() dto: ReplaceCalendarDto): Promise<CalendarYearView> {
    return this.calendar.replace(actor, yearParam(year), dto);
  }
}
