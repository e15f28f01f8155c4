import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { Actor } from '@shouhu/access';
import { AnyRole, CurrentActor } from '@shouhu/auth';
import { NotificationListView, NotificationService, NotificationView } from '@shouhu/notifications';
import { ApiErrors } from './http/error-body';
import { UuidParamPipe } from './http/uuid-param.pipe';

class ListNotificationsQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  unread?: 'true' | 'false';
}

@ApiTags('notifications')
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationService) {}

  @AnyRole()
  @Get()
  @ApiOperation({ summary: '通知 (my notifications), newest first' })
  @ApiOkResponse({ type: NotificationListView })
  @ApiErrors([400, 401, 503])
  async list(@CurrentActor() actor: Actor, @Query() query: ListNotificationsQuery): Promise<NotificationListView> {
    return { items: await this.notifications.list(actor, query.unread === 'true') };
  }

  @AnyRole()
  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ summary: '标为已读 (mark one of my notifications read)' })
  @ApiOkResponse({ type: NotificationView })
  @ApiErrors([400, 401, 404, 503])
  read(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string): Promise<NotificationView> {
    return this.notifications.markRead(actor, id);
  }
}
