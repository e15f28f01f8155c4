import { DatePicker } from 'antd';
import type { DatePickerProps } from 'antd';
import type { Dayjs } from 'dayjs';
import { disableFuture, nowWall } from '../i18n/time';

/**
 * A date and time that has already happened (when police were told, when a visit or a
 * discovery took place): minutes precision, future days disabled. antd's Form.Item
 * passes value and onChange through.
 */
export function PastDateTime(props: Omit<DatePickerProps, 'showTime' | 'format' | 'disabledDate'>) {
  return (
    <DatePicker
      showTime={{ format: 'HH:mm' }}
      format="YYYY-MM-DD HH:mm"
      style={{ width: '100%' }}
      disabledDate={disableFuture}
      placeholder="选择日期和时间"
      {...props}
    />
  );
}

/** antd rule: a picked time may not be in the future (5 minutes of clock slack, like the server). */
export const notFuture = (what: string) => ({
  validator: (_: unknown, d?: Dayjs) => (d && d.isAfter(nowWall().add(5, 'minute')) ? Promise.reject(new Error(`${what}不能晚于现在`)) : Promise.resolve()),
});
