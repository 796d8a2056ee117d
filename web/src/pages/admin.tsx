export default function Page() {
  return <div className="page"><h1>admin</h1></div>;
}
